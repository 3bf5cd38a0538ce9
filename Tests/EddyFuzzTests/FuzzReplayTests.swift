import EddyFuzzTargets
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Every committed fuzz input, seeds and past crashes alike, replayed through its program on
/// each test run, so a crash once found stays fixed.
@Suite struct FuzzReplayTests {
  /// Tests/Fuzz, found from this file's path.
  static let fuzzDirectory: String = {
    var path = "\(#filePath)"
    for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path + "/Fuzz"
  }()

  @Test(arguments: FuzzTarget.allCases)
  func everySeedAndPastCrashKeepsEveryPromise(target: FuzzTarget) throws {
    let seeds = Self.files(in: "\(Self.fuzzDirectory)/Corpus/\(target.rawValue)")
    let regressions = Self.files(in: "\(Self.fuzzDirectory)/Regressions/\(target.rawValue)")
    #expect(!seeds.isEmpty, "no seed corpus for \(target.rawValue)")
    for (name, bytes) in seeds + regressions {
      do {
        try target.run(bytes)
      } catch {
        Issue.record("\(target.rawValue)/\(name): \(error)")
      }
    }
  }

  /// The name and bytes of every regular file in `directory`, sorted by name; none if it is missing.
  static func files(in directory: String) -> [(String, [UInt8])] {
    guard let handle = opendir(directory) else { return [] }
    defer { closedir(handle) }
    var names: [String] = []
    while let entry = readdir(handle) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if !name.hasPrefix(".") { names.append(name) }
    }
    return names.sorted().map { ($0, read("\(directory)/\($0)")) }
  }

  private static func read(_ path: String) -> [UInt8] {
    guard let file = fopen(path, "rb") else { return [] }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = fread(&chunk, 1, chunk.count, file)
      if count <= 0 { break }
      bytes += chunk[..<count]
    }
    return bytes
  }
}
