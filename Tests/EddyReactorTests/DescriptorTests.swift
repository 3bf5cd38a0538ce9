import CEddySystem
import EddyReactor
import EddyTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

@Suite(.serialized) struct DescriptorTests {
  @Test func readerAndWriterWatchARawPipe() async throws {
    var fds: [Int32] = [0, 0]
    #expect(eddy_pipe(&fds) == 0)
    let (readEnd, writeEnd) = (fds[0], fds[1])
    defer {
      close(readEnd)
      close(writeEnd)
    }
    try await withLoop { loop in
      let got = Recorder<UInt8>()
      try await loop.submit {
        try loop.addWriter(writeEnd) {
          var byte: UInt8 = 42
          _ = write(writeEnd, &byte, 1)
          loop.removeWriter(writeEnd)
        }
        try loop.addReader(readEnd) {
          var byte: UInt8 = 0
          if read(readEnd, &byte, 1) == 1 { got.append(byte) }
        }
      }
      #expect(await eventually { got.values == [42] })
      let removed = try await loop.submit { (loop.removeReader(readEnd), loop.removeReader(readEnd)) }
      #expect(removed == (true, false))
    }
  }

  @Test func signalHandlersRunOnTheLoop() async throws {
    try await withLoop { loop in
      let seen = Recorder<Bool>()
      try await loop.submit {
        try loop.addSignalHandler(SIGUSR1) { seen.append(loop.isInLoopThread) }
      }
      kill(getpid(), SIGUSR1)
      #expect(await eventually { seen.values == [true] })
      let removed = try await loop.submit { loop.removeSignalHandler(SIGUSR1) }
      #expect(removed)
    }
  }

  @Test func closingAGroupReleasesEveryDescriptor() async throws {
    let before = openDescriptors().count
    do {
      let group = try EventLoopGroup(loops: 2)
      try await group.loops[0].submit {
        try group.loops[0].addSignalHandler(SIGUSR2) {}
      }
      #expect(openDescriptors().count > before)
      group.shutdown()
    }
    #expect(openDescriptors().count == before)
  }
}
