import Eddy

/// Writes its lines to `cat` and prints every line `cat` writes back, empty ones included; the
/// loop stops once `cat` has exited.
final class LinesThroughCat: MessageProtocol {
  private let lines: [String]
  private let loop: EventLoop

  init(lines: [String], loop: EventLoop) {
    self.lines = lines
    self.loop = loop
  }

  func connectionMade(_ transport: any StreamTransport) {
    for line in lines { transport.write(ByteBuffer(string: line)) }
    transport.writeEOF()
  }

  func messageReceived(_ line: ByteBuffer) { print("cat: \(line.string)") }

  func connectionLost(_ error: (any Error)?) {
    if let error { print("cat-codec: \(error)") }
    loop.stop()
  }
}

/// `cat-codec LINE...`: a line codec over `/bin/cat`'s stdin and stdout.
@main enum CatCodec {
  static func main() throws {
    let lines = Array(CommandLine.arguments.dropFirst())
    let loop = try EventLoop()
    loop.execute {
      do {
        _ = try loop.subprocessExec(argv: ["/bin/cat"], stderr: .inherit) {
          SubprocessStdioStream(
            upper: CodecLayer(codec: LineCodec(), upper: LinesThroughCat(lines: lines, loop: loop)))
        }
      } catch {
        fatalError("cat-codec: \(error)")
      }
    }
    loop.run()
  }
}
