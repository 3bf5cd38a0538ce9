import EddyReactor

/// Observes the connections of a server (``ServerOptions/observer``) or of clients
/// (``ConnectOptions/observer``): the seam metrics plug into (EddyMetrics' `ConnectionMetrics`),
/// so that the core depends on no metrics library.
///
/// Its methods run on the loop of the connection concerned, on that loop's thread, once per
/// connection event and never per read or write: the bytes and pauses of the connections on a
/// loop go into the ``ConnectionTraffic`` the observer hands out for that loop, which it reads
/// when it chooses. Without an observer nothing is counted: one branch per read and write.
public protocol ConnectionObserver: Sendable {
  /// The counts the observed connections on `loop` add their traffic to, the same object for
  /// all of them; asked on `loop`'s thread, before the first such connection starts (by a
  /// server once per loop, by a client connection for itself).
  func traffic(on loop: EventLoop) -> ConnectionTraffic

  /// A connection was accepted by the server, or connected for a client, on `loop`.
  func connectionOpened(on loop: EventLoop)

  /// A connection opened on `loop` ended. `error` is why: the failure of a layer that ended it
  /// (a decode error, a TLS alert), else the transport's own (the socket's error, a server
  /// limit's abort); nil when it closed without one.
  func connectionClosed(on loop: EventLoop, error: (any Error)?)

  /// A server on `loop` ran out of descriptors or memory while accepting (`error`) and stops
  /// accepting there for ``ServerOptions/acceptBackoff``.
  func acceptBackedOff(on loop: EventLoop, error: SystemError)
}
