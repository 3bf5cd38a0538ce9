import EddyProtocols
import EddyReactor
import EddyTestSupport
import EddyTransports
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite struct ManyChildrenTests {
  /// The descriptors open in this process, by the file each refers to.
  private static func openDescriptors() -> [String] {
    guard let directory = opendir("/proc/self/fd") else { return [] }
    defer { closedir(directory) }
    var targets: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard name.first?.isNumber == true else { continue }
      var target = [CChar](repeating: 0, count: 256)
      let length = readlink("/proc/self/fd/\(name)", &target, target.count - 1)
      if length > 0 {
        targets.append(String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self))
      }
    }
    return targets
  }

  /// The number of open pipes and pidfds, the descriptors a child costs this process.
  private static func pipesAndPidfds() -> Int {
    openDescriptors().count { $0.hasPrefix("pipe:") || $0 == "anon_inode:[pidfd]" }
  }

  /// True while `pid` exists, zombie or not: a reaped child is gone.
  private static func exists(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
  }

  @Test(arguments: [ExitDetection.automatic, .childSignal])
  func hundredChildrenAtOnceLeaveNoDescriptorsOrZombies(detection: ExitDetection) async throws {
    let count = 100
    let before = Self.pipesAndPidfds()
    try await withLoop { loop in
      let logs = (0..<count).map { _ in SubprocessLog() }
      let (pids, pipeTargets) = try await loop.submit { () -> ([Int32], [String]) in
        var pids: [Int32] = []
        var targets: [String] = []
        for index in 0..<count {
          let transport = try loop.subprocessExec(
            argv: ["/bin/sh", "-c", "exit \(index % 5)"], exitDetection: detection
          ) { SubprocessProbe(log: logs[index]) }
          pids.append(transport.pid)
          for fd: Int32 in 0...2 {
            let descriptor = transport.pipeTransport(fd: fd)!.fileDescriptor!
            var target = [CChar](repeating: 0, count: 256)
            let length = readlink("/proc/self/fd/\(descriptor)", &target, target.count - 1)
            targets.append(
              String(decoding: target.prefix(max(length, 0)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
          }
        }
        return (pids, targets)
      }
      #expect(await eventually(within: 30) { logs.allSatisfy(\.isLost) })
      for (index, log) in logs.enumerated() {
        #expect(log.lifecycle.contains(.exited(Int32(index % 5))))
        #expect(log.lifecycle.filter { $0 == .lost }.count == 1)
      }
      #expect(pids.allSatisfy { !Self.exists($0) })
      let stillOpen = Set(Self.openDescriptors())
      #expect(pipeTargets.allSatisfy { $0.hasPrefix("pipe:") && !stillOpen.contains($0) })
    }
    // Other tests open pipes and pidfds alongside; once they settle, no more may be open than
    // before. (Only these kinds are counted: the runtime opens descriptors of its own lazily.)
    #expect(await eventually { Self.pipesAndPidfds() <= before })
  }
}
