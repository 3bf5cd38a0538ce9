import EddyProtocols

/// An encoder of byte frames whose errors are ``CodecError``s: the codecs of a ``CodecStack``.
public protocol FrameEncoder: MessageEncoder
where OutboundMessage == ByteBuffer, EncodeFailure == CodecError {}
