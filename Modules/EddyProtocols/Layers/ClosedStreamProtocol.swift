/// The protocol a transport or layer hands its callbacks to once its connection has ended: it
/// ignores everything. Swapping it in for the real protocol at `connectionLost` lets a protocol
/// keep a reference to its transport without the two keeping each other alive.
public final class ClosedStreamProtocol: StreamProtocol, Sendable {
  /// The one instance; it holds no state.
  public static let shared = ClosedStreamProtocol()

  private init() {}
}
