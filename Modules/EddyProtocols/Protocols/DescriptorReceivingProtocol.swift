/// A stream protocol that takes file descriptors passed over a Unix-domain socket (SCM_RIGHTS).
///
/// The transport calls ``descriptorsReceived(_:)`` with the descriptors that came with the bytes
/// of the `dataReceived` that follows at once. The protocol owns those it takes: it removes them
/// from the array (or empties it). The transport closes every descriptor left in the array when
/// the call returns, so none leaks whatever the protocol does. Received descriptors are closed on
/// exec. Over TCP, pipes and layers nothing is ever passed.
public protocol DescriptorReceivingProtocol: StreamProtocol {
  /// Descriptors arrived with the bytes delivered next; take the ones to keep out of the array.
  func descriptorsReceived(_ descriptors: inout [Int32])
}
