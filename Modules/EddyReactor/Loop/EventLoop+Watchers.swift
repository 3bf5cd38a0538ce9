/// Callbacks for a raw descriptor the caller owns, as asyncio's `add_reader`/`add_writer`.
final class DescriptorWatcher: Selectable {
  unowned let loop: EventLoop
  let fd: Int32
  var onReadable: (() throws -> Void)?
  var onWritable: (() throws -> Void)?

  init(loop: EventLoop, fd: Int32) {
    self.loop = loop
    self.fd = fd
  }

  var interest: Interest {
    var interest: Interest = []
    if onReadable != nil { interest.insert(.read) }
    if onWritable != nil { interest.insert(.write) }
    return interest
  }

  func selectorReadable() {
    guard let body = onReadable else { return }
    do { try body() } catch { loop.errorHandler(error) }
  }

  func selectorWritable() {
    guard let body = onWritable else { return }
    do { try body() } catch { loop.errorHandler(error) }
  }

  /// The caller owns the descriptor: only stop watching it.
  func loopClosing() { loop.deregister(fd: fd) }
}

extension EventLoop {
  /// Calls `body` whenever `fd` is readable, until ``removeReader(_:)``. The caller keeps
  /// ownership of `fd`; remove the reader before closing it. Call from the loop's thread.
  public func addReader(_ fd: Int32, _ body: @escaping () throws -> Void) throws(SystemError) {
    try updateWatcher(fd) { $0.onReadable = body }
  }

  /// Stops calling the reader of `fd`; returns false if there was none.
  @discardableResult
  public func removeReader(_ fd: Int32) -> Bool {
    (try? updateWatcher(fd, creating: false) { $0.onReadable = nil }) ?? false
  }

  /// Calls `body` whenever `fd` is writable, until ``removeWriter(_:)``. The caller keeps
  /// ownership of `fd`; remove the writer before closing it. Call from the loop's thread.
  public func addWriter(_ fd: Int32, _ body: @escaping () throws -> Void) throws(SystemError) {
    try updateWatcher(fd) { $0.onWritable = body }
  }

  /// Stops calling the writer of `fd`; returns false if there was none.
  @discardableResult
  public func removeWriter(_ fd: Int32) -> Bool {
    (try? updateWatcher(fd, creating: false) { $0.onWritable = nil }) ?? false
  }

  /// Applies `change` to the watcher of `fd` and brings the selector in line with it.
  /// Returns whether the interest changed.
  @discardableResult
  private func updateWatcher(
    _ fd: Int32, creating: Bool = true, _ change: (DescriptorWatcher) -> Void
  ) throws(SystemError) -> Bool {
    assertInLoopThread()
    let existing = Int(fd) < registrations.count ? registrations[Int(fd)].handler : nil
    let watcher: DescriptorWatcher
    if let existing {
      guard let found = existing as? DescriptorWatcher else {
        preconditionFailure("descriptor \(fd) belongs to a transport")
      }
      watcher = found
    } else {
      guard creating else { return false }
      watcher = DescriptorWatcher(loop: self, fd: fd)
      try register(watcher, fd: fd, interest: [])
    }
    let before = watcher.interest
    change(watcher)
    let after = watcher.interest
    if after.isEmpty {
      deregister(fd: fd)
    } else {
      try setInterest(after, fd: fd)
    }
    return before != after
  }
}
