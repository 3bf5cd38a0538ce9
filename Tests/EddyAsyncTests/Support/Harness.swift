import EddyAsync
import EddyProtocols
import EddyReactor
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A byte pattern with a prime period, so lost, duplicated or reordered chunks show.
func patternByte(at offset: Int) -> UInt8 {
  UInt8(truncatingIfNeeded: offset % 251)
}

/// `count` bytes of the pattern starting at `offset`.
func patternBuffer(from offset: Int, count: Int) -> ByteBuffer {
  ByteBuffer(bytes: (offset..<offset + count).map(patternByte(at:)))
}

/// Slices of the pattern at any offset, cut from one buffer a pattern period longer than the
/// largest slice, so a test can send many megabytes without building them byte by byte.
struct PatternSource {
  private let buffer: ByteBuffer
  private let maxCount: Int

  init(maxCount: Int) {
    self.maxCount = maxCount
    self.buffer = patternBuffer(from: 0, count: maxCount + 251)
  }

  /// `count` (at most `maxCount`) bytes of the pattern starting at `offset`.
  func slice(from offset: Int, count: Int) -> ByteBuffer {
    precondition(count <= maxCount, "a slice longer than the source")
    return buffer.getSlice(at: offset % 251, length: count)!
  }
}

/// Checks the first, middle and last bytes of `buffer` against the pattern at `offset`: cheap
/// enough for a hundred mebibytes, and enough to catch a lost, repeated or reordered chunk.
func followsPattern(_ buffer: ByteBuffer, from offset: Int) -> Bool {
  let count = buffer.readableBytes
  return [0, count / 2, count - 1].allSatisfy { index in
    buffer.getByte(at: index) == patternByte(at: offset + index)
  }
}

/// A unique Unix socket path for this process.
func unixSocketPath(_ name: String) -> String {
  "/tmp/eddy-async-\(name)-\(getpid()).sock"
}

/// An integer shared between tasks.
final class SharedCounter: Sendable {
  private let storage = Atomic<Int>(0)

  var value: Int { storage.load(ordering: .relaxed) }

  func add(_ amount: Int) { storage.add(amount, ordering: .relaxed) }

  func store(_ value: Int) { storage.store(value, ordering: .relaxed) }
}

/// A task executor that runs each job at once, on the thread that enqueues it. A task that
/// prefers it runs up to its first suspension inside `Task.init`, and resumes inside the very
/// call that resumed it, so a test sees the state its waker left at that moment.
final class InlineExecutor: TaskExecutor {
  func enqueue(_ job: consuming ExecutorJob) {
    job.runSynchronously(on: asUnownedTaskExecutor())
  }
}
