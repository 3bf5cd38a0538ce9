import EddyReactor
import EddyTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A network namespace of a loop's own: the loop's thread leaves the host's network for a new,
/// empty one, set up by a shell script run inside it. Sockets the loop makes from then on live
/// there. Nothing is left to remove: the namespace, and the interfaces made in it, go away when
/// the loop's thread ends and its sockets close. Needs `CAP_SYS_ADMIN` (root).
enum NetworkNamespace {
  /// `unshare(2)`, which Swift's Glibc module does not declare; looked up in the C library.
  private typealias Unshare = @convention(c) (Int32) -> Int32
  private static let newNetwork: Int32 = 0x4000_0000  // CLONE_NEWNET

  /// Why the namespace could not be made.
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// Moves `loop`'s thread into a new network namespace and runs `script` (`sh -e`) in it.
  static func enter(on loop: EventLoop, setUp script: String) async throws {
    let thread = try await loop.submit { () throws -> String in
      guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "unshare") else {
        throw Failure(description: "no unshare")
      }
      guard unsafeBitCast(symbol, to: Unshare.self)(newNetwork) == 0 else {
        throw Failure(description: "unshare(CLONE_NEWNET): errno \(errno)")
      }
      // "PID/task/TID": this thread, whose namespace the setup enters.
      var link = [CChar](repeating: 0, count: 64)
      let length = readlink("/proc/thread-self", &link, link.count)
      guard length > 0 else { throw Failure(description: "readlink /proc/thread-self: errno \(errno)") }
      return String(decoding: link[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    let setup = try ChildProcess(
      "nsenter", ["--net=/proc/\(thread)/ns/net", "sh", "-ec", script], mergingErrors: true)
    let status = await setup.wait(seconds: 10)
    guard status == 0 else {
      throw Failure(
        description: "namespace setup exited \(status.map(String.init) ?? "late"): \(setup.standardOutput)")
    }
  }
}
