import EddyCodecs
import EddyProtocols
import EddyTestSupport
import Foundation
import Testing

/// The first `python3` on the search path.
private let python: URL? = {
  let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
  return path.split(separator: ":").lazy
    .map { URL(fileURLWithPath: String($0)).appendingPathComponent("python3") }
    .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}()

/// Our zlib streams against Python's `zlib` module, an independent implementation of the
/// decompressing and compressing objects.
@Suite(.enabled(if: python != nil, "needs python3"))
struct ZlibInteropTests {
  static let messages = (0..<20).map { index in
    ByteBuffer(string: "message \(index): " + String(repeating: "payload \(index % 3) ", count: index * 10))
  }

  @Test(arguments: [ZlibFormat.zlib, .gzip, .deflate])
  func pythonDecodesEverySyncFlushedMessageOfOurs(format: ZlibFormat) throws {
    var encoder = ZlibEncoder(options: ZlibOptions(format: format))
    var lengths: [Int] = []
    var wire = ByteBuffer()
    for message in Self.messages {
      let before = wire.readableBytes
      try encoder.encode(message, into: &wire)
      lengths.append(wire.readableBytes - before)
    }
    let script = """
      import sys, zlib
      data = open(sys.argv[1], 'rb').read()
      lengths = [int(n) for n in sys.argv[3].split(',')]
      d = zlib.decompressobj(int(sys.argv[2]))
      out, at = [], 0
      for n in lengths:
          out.append(d.decompress(data[at:at + n]).hex())
          at += n
      print('\\n'.join(out))
      """
    let output = try runPython(
      script, input: wire,
      arguments: [String(Self.windowBits(format)), lengths.map(String.init).joined(separator: ",")])
    let decoded = output.split(separator: "\n").map { ByteBuffer(bytes: Self.bytes(fromHex: $0)) }
    #expect(decoded == Self.messages)
  }

  @Test(arguments: [ZlibFormat.zlib, .gzip, .deflate])
  func weDecodeEverySyncFlushedMessageOfPythons(format: ZlibFormat) throws {
    let script = """
      import sys, zlib
      c = zlib.compressobj(6, zlib.DEFLATED, int(sys.argv[2]))
      out = open(sys.argv[1], 'wb')
      for i in range(20):
          text = ('message %d: ' % i) + ('payload %d ' % (i % 3)) * (i * 10)
          chunk = c.compress(text.encode()) + c.flush(zlib.Z_SYNC_FLUSH)
          print(len(chunk))
          out.write(chunk)
      out.close()
      """
    let (wire, output) = try runPythonProducing(script, arguments: [String(Self.windowBits(format))])
    var remaining = wire
    var decoder = ZlibDecoder(options: ZlibOptions(format: format))
    for (index, length) in output.split(separator: "\n").compactMap({ Int($0) }).enumerated() {
      guard var piece = remaining.readSlice(length: length) else {
        Issue.record("python wrote fewer bytes than it reported")
        return
      }
      var message = ByteBuffer()
      while let chunk = try decoder.decode(&piece) { message.writeBuffer(chunk) }
      #expect(message == Self.messages[index])
    }
    #expect(remaining.isEmpty)
  }

  @Test(arguments: [ZlibFormat.zlib, .gzip, .deflate], [Int32(9), 12])
  func pythonDecodesOurSmallWindowsAndFinishedStreams(format: ZlibFormat, window: Int32) throws {
    var encoder = ZlibEncoder(options: ZlibOptions(format: format, level: 1, window: window, memoryLevel: 1))
    var wire = ByteBuffer()
    for message in Self.messages { try encoder.encode(message, into: &wire) }
    try encoder.encodeEnd(into: &wire)
    let script = """
      import sys, zlib
      data = open(sys.argv[1], 'rb').read()
      d = zlib.decompressobj(int(sys.argv[2]))
      out = d.decompress(data)
      assert d.eof and not d.unused_data
      print(out.hex())
      """
    let bits =
      switch format {
      case .zlib: Int(window)
      case .deflate: -Int(window)
      case .gzip: Int(window) + 16
      }
    let output = try runPython(script, input: wire, arguments: [String(bits)])
    let whole = Self.messages.reduce(into: ByteBuffer()) { $0.writeBuffer($1) }
    #expect(ByteBuffer(bytes: Self.bytes(fromHex: Substring(output.filter { !$0.isNewline }))) == whole)
  }

  private static func windowBits(_ format: ZlibFormat) -> Int {
    switch format {
    case .zlib: 15
    case .deflate: -15
    case .gzip: 31
    }
  }

  private static func bytes(fromHex hex: Substring) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count, by: 2).map {
      UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
    }
  }

  private func temporaryFile() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("eddy-zlib-\(UUID().uuidString)")
  }

  /// Runs `script` with a file holding `input` as its first argument; returns its standard output.
  private func runPython(_ script: String, input: ByteBuffer, arguments: [String]) throws -> String {
    let file = temporaryFile()
    defer { try? FileManager.default.removeItem(at: file) }
    try Data(input.bytes).write(to: file)
    return try run(script, arguments: [file.path] + arguments)
  }

  /// Runs `script` with an empty file as its first argument; returns what it wrote there and its output.
  private func runPythonProducing(_ script: String, arguments: [String]) throws -> (ByteBuffer, String) {
    let file = temporaryFile()
    defer { try? FileManager.default.removeItem(at: file) }
    let output = try run(script, arguments: [file.path] + arguments)
    return (ByteBuffer(bytes: try Data(contentsOf: file)), output)
  }

  private func run(_ script: String, arguments: [String]) throws -> String {
    let process = try ChildProcess(python!.path, ["-c", script] + arguments)
    #expect(process.blockingWait(seconds: 60) == 0, "\(process.standardError)")
    return process.standardOutput
  }
}
