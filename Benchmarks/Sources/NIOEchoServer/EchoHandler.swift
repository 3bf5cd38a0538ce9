import NIOCore

/// Writes every inbound message straight back and flushes once per read burst.
///
/// Below it, the pipeline's decoders turn bytes into frames and its encoders frame the replies,
/// so the same handler serves every codec.
final class EchoHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.write(data, promise: nil)
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    context.flush()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if !(error is ChannelError) && !isUncleanTLSShutdown(error) {
      printError("closing a connection: \(error)")
    }
    context.close(promise: nil)
  }
}
