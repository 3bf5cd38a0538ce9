import EddyReactor
import EddyTLS

extension TLSTimer {
  /// Schedules with `callLater` on the event loop of the calling thread, the loop a TLS layer
  /// runs on. Use it for every connection on Eddy's reactor, whatever its loop or group.
  ///
  /// - Precondition: the layer runs on an event loop's thread (it always does with Eddy's
  ///   transports).
  public static let eventLoop = TLSTimer { delay, body in
    guard let loop = EventLoop.current else {
      preconditionFailure("TLSTimer.eventLoop scheduled off an event loop's thread")
    }
    let handle = loop.callLater(after: delay, body)
    return { handle.cancel() }
  }
}
