import NIOCore
import NIOExtras
import NIOSSL

extension EchoCodec {
  /// Adds TLS when a context is given, then this codec's decoder and encoder, then the echo
  /// handler, to a new connection's pipeline. Call on the channel's event loop.
  func configure(_ pipeline: ChannelPipeline.SynchronousOperations, tls: NIOSSLContext?) throws {
    try configureFraming(pipeline, tls: tls)
    try pipeline.addHandler(EchoHandler())
  }

  /// Adds TLS when a context is given, then this codec's decoder and encoder: what reaches the
  /// end of the pipeline is one `ByteBuffer` per frame (per read when raw).
  func configureFraming(_ pipeline: ChannelPipeline.SynchronousOperations, tls: NIOSSLContext?) throws {
    if let tls {
      try pipeline.addHandler(NIOSSLServerHandler(context: tls))
    }
    switch self {
    case .raw:
      break
    case .line:
      try pipeline.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
      try pipeline.addHandler(MessageToByteHandler(LineFrameEncoder()))
    case .lengthPrefix:
      try pipeline.addHandler(
        ByteToMessageHandler(LengthFieldBasedFrameDecoder(lengthFieldBitLength: .fourBytes)))
      try pipeline.addHandler(LengthFieldPrepender(lengthFieldBitLength: .fourBytes))
    }
  }
}
