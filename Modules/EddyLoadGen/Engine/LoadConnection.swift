import EddyCodecs
import EddyProtocols
import EddyReactor

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// One client connection: sends messages, matches replies to the send times it keeps in
/// order, and checks replies when asked to. In echo mode over a framing codec stack each frame
/// is one reply (``messageReceived(_:)``), otherwise replies are counted by size in the byte
/// stream; in request mode a ``ReplyAssembler`` finds where each reply ends. Replies are
/// matched in order, so one that comes after its message timed out is set aside, not
/// credited to a later message. Hot-path properties skip the dynamic exclusivity check, as
/// ``LoadWorker``'s do.
final class LoadConnection: MessageProtocol {
  let worker: LoadWorker
  /// The connection's number across the whole run.
  let index: Int
  @exclusivity(unchecked) private(set) var transport: (any StreamTransport)?
  @exclusivity(unchecked) private var sendTimes: SendTimeRing
  /// Bytes of the reply being received (raw framing).
  @exclusivity(unchecked) private var partialReply = 0
  /// Whether a byte of the reply being received differed from the message.
  @exclusivity(unchecked) private var partialReplyCorrupt = false
  /// Request mode: the messages to send and where their replies end.
  @exclusivity(unchecked) private var source: MessageSource?
  @exclusivity(unchecked) private var assembler: ReplyAssembler?
  /// Replies still to come for messages that timed out: they are set aside when they arrive.
  @exclusivity(unchecked) private var lateReplies = 0
  @exclusivity(unchecked) private var writePaused = false
  private var peerClosed = false
  /// The end of this connection's input was written (or it was closed by us).
  private(set) var inputEnded = false
  /// Open loop: the time of the first message, and how many have been scheduled since.
  @exclusivity(unchecked) private var scheduleOrigin: UInt64 = 0
  @exclusivity(unchecked) private var scheduled = 0
  @exclusivity(unchecked) private var nextDue = UInt64.max

  init(worker: LoadWorker, index: Int) {
    self.worker = worker
    self.index = index
    sendTimes = SendTimeRing(capacity: max(worker.pipeline, 16))
    if let mix = worker.configuration.messages, worker.configuration.mode == .request {
      source = MessageSource(mix: mix, connection: index, seed: worker.plan.seed)
      assembler = ReplyAssembler(
        rule: worker.configuration.effectiveReply, expectation: worker.configuration.expectation)
    }
  }

  /// True while the connection is up.
  var isOpen: Bool { transport != nil }

  /// Told once whether the connection was established, when that is decided after the socket
  /// connected (a TLS handshake).
  var whenEstablished: ((Bool) -> Void)?

  /// Reports the outcome to ``whenEstablished``, once.
  func established(_ success: Bool) {
    let report = whenEstablished
    whenEstablished = nil
    report?(success)
  }

  /// Outstanding messages sent after the warmup.
  var countedOutstanding: Int { sendTimes.count(atOrAfter: worker.warmupEnd) }

  /// Draining: once every reply is in, writes the end of input (the server then closes, after
  /// reading everything sent). True when the connection has ended.
  func drain() -> Bool {
    guard transport != nil else { return true }
    if sendTimes.isEmpty { endInput() }
    return false
  }

  /// Writes the end of input: a half-close, or a close where the stack cannot half-close.
  func endInput() {
    guard !inputEnded, let transport else { return }
    inputEnded = true
    if transport.canWriteEOF { transport.writeEOF() } else { transport.close() }
  }

  /// Closes gracefully: what is buffered is still written.
  func close() {
    inputEnded = true
    transport?.close()
  }

  // MARK: StreamProtocol

  func connectionMade(_ transport: any StreamTransport) {
    self.transport = transport
    worker.connectionMade(self)
  }

  func dataReceived(_ data: ByteBuffer) {
    guard worker.expectsReplies else { return }
    if assembler != nil {
      let now = Deadline.now().nanoseconds
      worker.countReplyBytes(data.readableBytes, at: now)
      assembler!.take(bytes: data) { matched in requestAnswered(matched: matched, at: now) }
      return
    }
    if worker.verifies { verify(data) }
    partialReply &+= data.readableBytes
    let size = worker.messageSize
    guard partialReply >= size else { return }
    let complete = partialReply / size
    partialReply &-= complete &* size
    repliesArrived(complete)
  }

  func messageReceived(_ message: ByteBuffer) {
    guard worker.expectsReplies else { return }
    if assembler != nil {
      let now = Deadline.now().nanoseconds
      worker.countReplyBytes(message.readableBytes, at: now)
      if let matched = assembler!.take(frame: message) { requestAnswered(matched: matched, at: now) }
      return
    }
    if worker.verifies && message != worker.payload {
      worker.counters.errors.add(.verifyMismatch, message: "a reply differed from the message sent")
    }
    repliesArrived(1)
  }

  func eofReceived() -> Bool {
    peerClosed = true
    return false
  }

  func pauseWriting() { writePaused = true }

  func resumeWriting() {
    writePaused = false
    if !worker.expectsReplies && worker.rateInterval == nil { fillSink() }
  }

  func connectionLost(_ error: (any Error)?) {
    transport = nil
    worker.connectionEnded(self, error: error, peerClosed: peerClosed)
    sendTimes.removeAll()
  }

  // MARK: Sending

  /// Starts this connection's traffic at `now`: its first `pipeline` messages (closed loop),
  /// its schedule offset by `stagger` nanoseconds (open loop), or a full pipe (sink).
  func begin(at now: UInt64, stagger: UInt64) {
    if worker.rateInterval != nil {
      scheduleOrigin = now &+ stagger
      nextDue = scheduleOrigin
    } else if !worker.expectsReplies {
      fillSink()
    } else {
      send(worker.pipeline, at: now)
    }
  }

  /// Sends up to `wanted` messages stamped `time`, as few writes as possible.
  private func send(_ wanted: Int, at time: UInt64) {
    let count = worker.claim(wanted, at: time)
    guard count > 0, let transport else { return }
    if worker.expectsReplies { sendTimes.append(time, count: count) }
    worker.countSent(count, at: time)
    write(count, to: transport, at: time)
    worker.afterSending()
  }

  /// Writes `count` messages sent at `time` and counts their bytes (if after the warmup).
  private func write(_ count: Int, to transport: any StreamTransport, at time: UInt64) {
    var bytes = 0
    if source != nil {
      for _ in 0..<count {
        let message = source!.next()
        bytes &+= message.readableBytes
        transport.write(message)
      }
    } else if worker.countsBytes {
      var left = count
      while left > 0 {
        let chunk = min(left, worker.batchCapacity)
        transport.write(worker.messages(chunk))
        left &-= chunk
      }
      bytes = count &* worker.messageSize
    } else {
      for _ in 0..<count { transport.write(worker.payload) }
      bytes = count &* worker.messageSize
    }
    worker.countBytesSent(bytes, at: time)
  }

  /// Matches `count` replies with the oldest send times and keeps a closed loop full.
  private func repliesArrived(_ arrived: Int) {
    let now = Deadline.now().nanoseconds
    let count = setAsideLate(arrived, at: now)
    guard count > 0 else { return }
    let (answered, _) = worker.matchReplies(count, sendTimes: &sendTimes, now: now)
    if answered < count {
      worker.counters.errors.add(
        .unexpectedReply, count: count - answered, message: "bytes arrived with no message outstanding")
    }
    if worker.rateInterval == nil { send(answered, at: now) }
  }

  /// Request mode: one reply is complete.
  private func requestAnswered(matched: Bool, at now: UInt64) {
    guard setAsideLate(1, at: now) == 1 else { return }
    let (answered, counted) = worker.matchReplies(1, sendTimes: &sendTimes, now: now)
    guard answered == 1 else {
      worker.counters.errors.add(.unexpectedReply, message: "a reply arrived with no request outstanding")
      return
    }
    if !matched && counted == 1 {
      worker.counters.errors.add(.replyMismatch, message: "a reply did not match --expect/--expect-prefix")
    }
    if worker.rateInterval == nil { send(1, at: now) }
  }

  /// Sets aside, of `count` replies just arrived, those owed to timed-out messages; returns
  /// how many are left to match.
  @inline(__always)
  private func setAsideLate(_ count: Int, at now: UInt64) -> Int {
    worker.replyArrived(at: now)
    guard lateReplies > 0 else { return count }
    let late = min(count, lateReplies)
    lateReplies &-= late
    return count &- late
  }

  /// Counts as timed out every message sent before `deadline` still unanswered; returns how
  /// many (their replies, should they come, are set aside).
  func expire(sentBefore deadline: UInt64) -> Int {
    let (removed, counted) = sendTimes.removeSent(before: deadline, countingFrom: worker.warmupEnd)
    guard removed > 0 else { return 0 }
    lateReplies += removed
    worker.counters.errors.add(
      .replyTimeout, count: counted, message: "a message had no reply within --reply-timeout")
    return removed
  }

  /// A closed loop sends `count` messages in place of those that timed out.
  func replace(_ count: Int, at now: UInt64) {
    guard count > 0, worker.rateInterval == nil, worker.phase == .running else { return }
    send(count, at: now)
  }

  /// Open loop: sends every message scheduled at or before `now` (each stamped with its
  /// scheduled time) in one write, and returns when the next one is due (`.max`: never).
  func sendDue(now: UInt64) -> UInt64 {
    guard let interval = worker.rateInterval, let transport else { return .max }
    var due = 0
    var warmupDue = 0
    while true {
      let time = scheduledTime(scheduled + due, interval: interval)
      guard time <= now && time < worker.windowEnd else { break }
      due += 1
      if time < worker.warmupEnd { warmupDue += 1 }
    }
    guard due > 0 else { return nextDue }
    let warmupGranted = worker.claim(warmupDue, at: scheduledTime(scheduled, interval: interval))
    let countedGranted = worker.claim(due - warmupDue, at: max(now, worker.warmupEnd))
    let granted = warmupGranted + countedGranted
    for offset in 0..<granted {
      let time = scheduledTime(scheduled + offset, interval: interval)
      if worker.expectsReplies { sendTimes.append(time) }
      worker.countSent(1, at: time)
      worker.countScheduleLag(scheduled: time, now: now)
    }
    scheduled += granted
    nextDue = scheduledTime(scheduled, interval: interval)
    if granted > 0 {
      if warmupGranted > 0 { write(warmupGranted, to: transport, at: 0) }
      if countedGranted > 0 { write(countedGranted, to: transport, at: max(now, worker.warmupEnd)) }
      worker.afterSending()
    }
    return granted < due ? .max : nextDue
  }

  /// When message number `number` of this connection is due.
  @inline(__always)
  private func scheduledTime(_ number: Int, interval: Double) -> UInt64 {
    scheduleOrigin &+ UInt64(Double(number) * interval)
  }

  /// Sink mode: writes until the transport's buffer is over its high-water mark, a batch at a
  /// time, yielding to the loop every few rounds so timers still run.
  private func fillSink() {
    for _ in 0..<64 {
      guard !writePaused, isOpen, worker.phase == .running else { return }
      send(worker.batchCapacity, at: Deadline.now().nanoseconds)
    }
    guard !writePaused, isOpen, worker.phase == .running else { return }
    worker.loop.callSoon { [self] in fillSink() }
  }

  // MARK: Verifying

  /// Compares received bytes with the message, which replies repeat back to back.
  private func verify(_ data: ByteBuffer) {
    let size = worker.messageSize
    var offset = partialReply
    var mismatches = 0
    worker.payload.withUnsafeReadableBytes { expected in
      data.withUnsafeReadableBytes { received in
        var position = 0
        while position < received.count {
          let run = min(received.count - position, size - offset)
          if !partialReplyCorrupt
            && memcmp(received.baseAddress! + position, expected.baseAddress! + offset, run) != 0
          {
            partialReplyCorrupt = true
          }
          position += run
          offset += run
          if offset == size {
            if partialReplyCorrupt { mismatches += 1 }
            partialReplyCorrupt = false
            offset = 0
          }
        }
      }
    }
    worker.counters.errors.add(
      .verifyMismatch, count: mismatches, message: "a reply differed from the message sent")
  }
}
