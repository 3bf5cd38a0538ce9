/// An object the loop calls when its descriptor is ready: transports, servers, watchers.
package protocol Selectable: AnyObject {
  /// The descriptor is readable, hung up or in error, and read interest is registered.
  func selectorReadable()
  /// The descriptor is writable or in error, and write interest is registered.
  func selectorWritable()
  /// The loop is closing: release the descriptor now (deregistering it).
  func loopClosing()
  /// Bytes the kernel received for the descriptor (``Interest/receive``), valid during the call
  /// only. They keep coming for a while after the interest was dropped: none is lost.
  func selectorReceived(_ bytes: UnsafeRawBufferPointer)
  /// The descriptor's receive ended: end of stream (`errno` 0) or a failure; for a listener
  /// with ``Interest/accept``, an accept failed with `errno`.
  func selectorReceiveEnded(errno: Int32)
  /// The kernel accepted a connection on the listening descriptor (``Interest/accept``): the
  /// handler owns `fd` from here on. They keep coming for a while after the interest was
  /// dropped: none is lost.
  func selectorAccepted(_ fd: Int32)
}

extension Selectable {
  /// Nothing: only sockets that ask for ``Interest/receive`` are called.
  package func selectorReceived(_ bytes: UnsafeRawBufferPointer) {}
  /// Nothing: only sockets that ask for ``Interest/receive`` are called.
  package func selectorReceiveEnded(errno: Int32) {}
  /// Closes `fd`: only listeners that ask for ``Interest/accept`` are called.
  package func selectorAccepted(_ fd: Int32) { _ = systemClose(fd) }
}

/// What the loop knows of one descriptor, stored at the descriptor's index.
struct Registration {
  var handler: (any Selectable)?
  var generation: UInt32 = 0
  var interest: Interest = []
}

extension EventLoop {
  /// Registers `handler` for `fd` with an initial interest (possibly empty).
  package func register(_ handler: any Selectable, fd: Int32, interest: Interest) throws(SystemError) {
    // The loop's thread only: an io_uring's submission queue is the loop's alone.
    assertInLoopThreadOrNotRunning()
    let index = Int(fd)
    if index >= registrations.count {
      registrations.append(contentsOf: repeatElement(Registration(), count: index + 1 - registrations.count))
    }
    precondition(registrations[index].handler == nil, "descriptor \(fd) is already registered")
    nextGeneration &+= 1
    let generation = nextGeneration
    try selector.update(fd, token: Self.token(fd: fd, generation: generation), from: [], to: interest)
    registrations[index] = Registration(handler: handler, generation: generation, interest: interest)
  }

  /// Changes the readiness `fd` is watched for.
  package func setInterest(_ interest: Interest, fd: Int32) throws(SystemError) {
    assertInLoopThreadOrNotRunning()
    let index = Int(fd)
    let current = registrations[index]
    precondition(current.handler != nil, "descriptor \(fd) is not registered")
    guard current.interest != interest else { return }
    try selector.update(
      fd, token: Self.token(fd: fd, generation: current.generation), from: current.interest, to: interest)
    registrations[index].interest = interest
  }

  /// True when sockets on this loop may ask for ``Interest/receive`` (see
  /// ``Selectable/selectorReceived(_:)``).
  package var completesReceives: Bool { selector.completesReceives }

  /// The most bytes one completed receive brings (the size of the loop's receive buffers).
  package var receiveCompletionSize: Int { PollRing.bufferSize }

  /// The interest currently registered for `fd`.
  package func interest(fd: Int32) -> Interest {
    Int(fd) < registrations.count ? registrations[Int(fd)].interest : []
  }

  /// Stops watching `fd` and releases its handler. Call before closing the descriptor.
  package func deregister(fd: Int32) {
    assertInLoopThreadOrNotRunning()
    let index = Int(fd)
    guard index < registrations.count, registrations[index].handler != nil else { return }
    let current = registrations[index]
    try? selector.update(
      fd, token: Self.token(fd: fd, generation: current.generation), from: current.interest, to: [])
    registrations[index] = Registration(handler: nil, generation: current.generation, interest: [])
  }

  /// Calls the handler of a ready descriptor, ignoring stale readiness of a descriptor that was
  /// closed (and perhaps reused) earlier in the same batch.
  func dispatch(_ readiness: Readiness) {
    let fd = Int(truncatingIfNeeded: readiness.token & 0xFFFF_FFFF)
    let generation = UInt32(truncatingIfNeeded: readiness.token >> 32)
    var registration = fd < registrations.count ? registrations[fd] : Registration()
    guard let handler = registration.handler, registration.generation == generation else {
      // A connection accepted for a listener that has gone is nobody's to keep.
      if case .accepted(let accepted) = readiness.received { _ = systemClose(accepted) }
      return
    }
    if let received = readiness.received {
      switch received {
      case .bytes(let bytes): handler.selectorReceived(bytes)
      case .ended(let errno): handler.selectorReceiveEnded(errno: errno)
      case .accepted(let accepted): handler.selectorAccepted(accepted)
      }
      return
    }
    if (readiness.readable || readiness.failed) && registration.interest.contains(.read) {
      handler.selectorReadable()
      registration = registrations[fd]
      guard registration.handler != nil, registration.generation == generation else { return }
    }
    if (readiness.writable || readiness.failed) && registration.interest.contains(.write) {
      handler.selectorWritable()
    }
  }

  static func token(fd: Int32, generation: UInt32) -> UInt64 {
    UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
  }

}
