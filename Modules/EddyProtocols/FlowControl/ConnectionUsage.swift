/// What one connection holds, as its transport and layers report it, so that a server can
/// defend itself: the bytes buffered in it (received bytes of unfinished frames, writes the
/// kernel has not taken) and since when it holds unfinished input.
///
/// A server that limits buffered memory or the time a frame may take gives each connection one
/// (``Transport/usage``); every transport and layer reports what it holds through a
/// ``Share`` of its own. A layer written outside Eddy that keeps bytes should do the same:
///
/// ```swift
/// usageShare.update(bufferedBytes: cumulation.readableBytes, unfinished: !cumulation.isEmpty, in: usage)
/// ```
///
/// Bound to the connection's loop thread, as the transport is. Its counters skip Swift's dynamic
/// exclusivity checks: they change on the hot path, never across a callback.
public final class ConnectionUsage {
  /// The bytes buffered in the connection, summed over its transport and layers.
  @exclusivity(unchecked) public private(set) var bufferedBytes = 0
  /// When the earliest unfinished input still held began; nil while no layer holds any.
  @exclusivity(unchecked) public private(set) var unfinishedInputSince: ContinuousClock.Instant?
  /// How many reporters hold unfinished input.
  @exclusivity(unchecked) private var unfinishedHolders = 0
  /// Told of every change; the server's budget.
  package var observer: (any ConnectionUsageObserver)?
  /// Whether ``unfinishedInputSince`` is kept (it reads the clock when it changes).
  private let tracksUnfinishedInput: Bool

  /// A connection's usage, watched by no one yet; `tracksUnfinishedInput` false leaves
  /// ``unfinishedInputSince`` nil, sparing the clock reads when nothing times frames.
  public init(tracksUnfinishedInput: Bool = true) {
    self.tracksUnfinishedInput = tracksUnfinishedInput
  }

  /// One reporter's part of the usage: what it reported last, so that each report is the change.
  public struct Share {
    @usableFromInline var reportedBytes = 0
    @usableFromInline var holdsUnfinished = false

    /// A share that has reported nothing.
    public init() {}

    /// Reports that this reporter now holds `bufferedBytes` bytes, and whether some of them
    /// are the beginning of input it has not finished (a frame not yet complete). Inlined up to
    /// the comparison: a report that changes nothing (the common case on every flush) costs two
    /// compares.
    @inlinable
    public mutating func update(bufferedBytes: Int, unfinished: Bool, in usage: ConnectionUsage) {
      guard bufferedBytes != reportedBytes || unfinished != holdsUnfinished else { return }
      record(bufferedBytes: bufferedBytes, unfinished: unfinished, in: usage)
    }

    @usableFromInline
    mutating func record(bufferedBytes: Int, unfinished: Bool, in usage: ConnectionUsage) {
      if bufferedBytes != reportedBytes {
        let delta = bufferedBytes &- reportedBytes
        reportedBytes = bufferedBytes
        usage.adjust(by: delta)
      }
      if unfinished != holdsUnfinished && usage.tracksUnfinishedInput {
        holdsUnfinished = unfinished
        usage.unfinishedChanged(held: unfinished)
      }
    }

    /// Reports that this reporter holds nothing any more (its connection ended).
    public mutating func release(in usage: ConnectionUsage) {
      update(bufferedBytes: 0, unfinished: false, in: usage)
    }
  }

  private func adjust(by delta: Int) {
    bufferedBytes &+= delta
    observer?.usageChanged(self, by: delta)
  }

  private func unfinishedChanged(held: Bool) {
    if held {
      if unfinishedHolders == 0 { unfinishedInputSince = .now }
      unfinishedHolders += 1
    } else {
      unfinishedHolders -= 1
      if unfinishedHolders == 0 { unfinishedInputSince = nil }
    }
  }
}

/// Watches connections' usage: a server's buffer budget.
package protocol ConnectionUsageObserver: AnyObject {
  /// `usage` changed by `delta` bytes (negative when it fell).
  func usageChanged(_ usage: ConnectionUsage, by delta: Int)
}
