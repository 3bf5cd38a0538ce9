import EddyProtocols

extension LayerConformance {
  /// The contract checked over a real transport to an echoing peer, for what cannot run over an
  /// in-memory pair (a child's stdio, a socket, a stack over either). The checks are those of
  /// ``failures(of:)`` in the form a live connection allows: the chunking is the kernel's.
  ///
  /// - `exchange`: the messages come back, every byte, in order; the connection ends once.
  /// - `pause-reading`: reading paused from `connectionMade` holds every echo for a while;
  ///   `resumeReading` brings them all.
  /// - `water-marks`: with marks of 64 and 16 bytes and the peer held, writes give exactly one
  ///   `pauseWriting`; released, the buffer drains with exactly one `resumeWriting`.
  /// - `close-inside-data`: `close` from inside the first delivery stops deliveries at once.
  /// - `abort`: the connection ends once, with no callback after `connectionLost`.
  /// - `buffered`: a ``/EddyProtocols/BufferedStreamProtocol`` gets every byte in its own memory.
  ///
  /// Each check is bounded by ``echoPeerTimeout``. `completion` gets the failures, each a
  /// sentence naming the check, once every check has run; empty when the contract held.
  public static func checkOverEchoPeer(
    _ driver: any EchoPeerDriver,
    messages: [ByteBuffer] = ["first", "a second, longer message", "3", "the last one"],
    completion: @escaping ([String]) -> Void
  ) {
    let checks: [EchoPeerCheck] = [
      echoExchange, echoPauseReading, echoWaterMarks, echoCloseInsideData, echoAbort, echoBuffered,
    ]
    runChecks(checks[...], driver: driver, messages: messages, failures: [], completion: completion)
  }

  /// How long one check over an echoing peer may take before it counts as failed.
  public static var echoPeerTimeout: Duration { .seconds(10) }

  /// One check: drives a connection and hands its failures on when done.
  private typealias EchoPeerCheck = (
    _ driver: any EchoPeerDriver, _ messages: [ByteBuffer], _ done: @escaping ([String]) -> Void
  ) -> Void

  private static func runChecks(
    _ checks: ArraySlice<EchoPeerCheck>, driver: any EchoPeerDriver, messages: [ByteBuffer],
    failures: [String],
    completion: @escaping ([String]) -> Void
  ) {
    guard let check = checks.first else {
      completion(failures)
      return
    }
    check(driver, messages) { found in
      runChecks(
        checks.dropFirst(), driver: driver, messages: messages, failures: failures + found,
        completion: completion)
    }
  }

  /// Calls `then` once `condition` holds, polling every few milliseconds, or with `false` after
  /// ``echoPeerTimeout``.
  private static func wait(
    _ driver: any EchoPeerDriver, until condition: @autoclosure @escaping () -> Bool,
    then: @escaping (Bool) -> Void
  ) {
    let interval = Duration.milliseconds(5)
    let attempts = Int(echoPeerTimeout / interval)
    func poll(_ left: Int) {
      if condition() {
        then(true)
      } else if left == 0 {
        then(false)
      } else {
        driver.after(interval) { poll(left - 1) }
      }
    }
    poll(attempts)
  }

  /// Closes the connection of `recorder` and reports `failures`, the recorder's violations and
  /// a connection that did not end, under `check`'s name.
  private static func finish(
    _ check: String, _ recorder: RecordingProtocol, _ driver: any EchoPeerDriver, failures: [String],
    done: @escaping ([String]) -> Void
  ) {
    recorder.transport?.close()
    wait(driver, until: recorder.isLost) { ended in
      var all = failures
      if !ended { all.append("the connection did not end after close") }
      all += recorder.violations
      done(all.map { "\(check): \($0)" })
    }
  }

  private static func echoExchange(
    _ driver: any EchoPeerDriver, _ messages: [ByteBuffer], _ done: @escaping ([String]) -> Void
  ) {
    let expected = joined(messages)
    let client = RecordingProtocol { recorder, event in
      if case .connectionMade = event { for message in messages { recorder.transport?.write(message) } }
    }
    driver.connect(client)
    wait(driver, until: client.received.readableBytes >= expected.readableBytes || client.isLost) { _ in
      var failures: [String] = []
      if client.received != expected {
        failures.append(
          "\(client.received.readableBytes) bytes came back, not the \(expected.readableBytes) written")
      }
      finish("exchange", client, driver, failures: failures, done: done)
    }
  }

  private static func echoPauseReading(
    _ driver: any EchoPeerDriver, _ messages: [ByteBuffer], _ done: @escaping ([String]) -> Void
  ) {
    let expected = joined(messages)
    let client = RecordingProtocol { recorder, event in
      guard case .connectionMade = event else { return }
      recorder.transport?.pauseReading()
      for message in messages { recorder.transport?.write(message) }
    }
    driver.connect(client)
    wait(driver, until: client.hasConnected || client.isLost) { _ in
      // Long enough for the echoes to be back many times over.
      driver.after(.milliseconds(200)) {
        var failures: [String] = []
        if !client.dataChunks.isEmpty {
          failures.append("data arrived while reading was paused from connectionMade")
        }
        client.transport?.resumeReading()
        wait(driver, until: client.received.readableBytes >= expected.readableBytes || client.isLost) {
          _ in
          if client.received != expected {
            failures.append(
              "after resumeReading \(client.received.readableBytes) of \(expected.readableBytes) bytes arrived"
            )
          }
          finish("pause-reading", client, driver, failures: failures, done: done)
        }
      }
    }
  }

  private static func echoWaterMarks(
    _ driver: any EchoPeerDriver, _ messages: [ByteBuffer], _ done: @escaping ([String]) -> Void
  ) {
    let client = RecordingProtocol()
    driver.connect(client)
    wait(driver, until: client.hasConnected || client.isLost) { _ in
      guard let transport = client.transport else {
        done(["water-marks: the connection was never made"])
        return
      }
      driver.holdPeerReading(true)
      transport.setWriteBufferLimits(high: 64, low: 16)
      let chunk = ByteBuffer(bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131) })
      var written = 0
      while !client.isWritingPaused && !client.isLost && written < 64 << 20 {
        transport.write(chunk)
        written += chunk.readableBytes
      }
      var failures: [String] = []
      let pauses = client.count(of: .pauseWriting)
      if pauses != 1 { failures.append("\(pauses) pauseWriting calls while the buffer filled, not 1") }
      driver.holdPeerReading(false)
      wait(driver, until: !client.isWritingPaused || client.isLost) { _ in
        let resumes = client.count(of: .resumeWriting)
        if resumes != 1 { failures.append("\(resumes) resumeWriting calls once the buffer drained, not 1") }
        finish("water-marks", client, driver, failures: failures, done: done)
      }
    }
  }

  private static func echoCloseInsideData(
    _ driver: any EchoPeerDriver, _ messages: [ByteBuffer], _ done: @escaping ([String]) -> Void
  ) {
    let client = RecordingProtocol { recorder, event in
      switch event {
      case .connectionMade: for message in messages { recorder.transport?.write(message) }
      case .data where recorder.dataChunks.count == 1: recorder.transport?.close()
      default: break
      }
    }
    driver.connect(client)
    wait(driver, until: client.isLost) { ended in
      var failures: [String] = []
      if !ended { failures.append("the connection did not end after a close inside dataReceived") }
      if client.dataChunks.count != 1 {
        failures.append("\(client.dataChunks.count) deliveries, none should follow a close")
      }
      done((failures + client.violations).map { "close-inside-data: \($0)" })
    }
  }

  private static func echoAbort(
    _ driver: any EchoPeerDriver, _ messages: [ByteBuffer], _ done: @escaping ([String]) -> Void
  ) {
    let client = RecordingProtocol { recorder, event in
      guard case .connectionMade = event else { return }
      for message in messages { recorder.transport?.write(message) }
      recorder.transport?.abort()
    }
    driver.connect(client)
    wait(driver, until: client.isLost) { ended in
      // A little longer, so that a callback after connectionLost would be seen.
      driver.after(.milliseconds(50)) {
        var failures: [String] = []
        if !ended { failures.append("the connection did not end after abort") }
        done((failures + client.violations).map { "abort: \($0)" })
      }
    }
  }

  private static func echoBuffered(
    _ driver: any EchoPeerDriver, _ messages: [ByteBuffer], _ done: @escaping ([String]) -> Void
  ) {
    let expected = joined(messages)
    let reader = BufferedRecordingProtocol(memorySize: 5)
    reader.recorder.onEvent = { recorder, event in
      if case .connectionMade = event { for message in messages { recorder.transport?.write(message) } }
    }
    driver.connect(reader)
    let recorder = reader.recorder
    wait(driver, until: recorder.received.readableBytes >= expected.readableBytes || recorder.isLost) {
      _ in
      var failures: [String] = []
      if reader.plainDeliveries != 0 {
        failures.append("a buffered protocol got dataReceived \(reader.plainDeliveries) times")
      }
      if recorder.received != expected {
        failures.append("\(recorder.received.readableBytes) of \(expected.readableBytes) bytes arrived")
      }
      finish("buffered", recorder, driver, failures: failures, done: done)
    }
  }
}
