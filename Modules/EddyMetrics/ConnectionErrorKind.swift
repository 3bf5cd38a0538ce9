import EddyCodecs
import EddyReactor
import EddyTLS
import EddyTransports

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why a connection ended by an error, from a fixed set: the `kind` label of the connection
/// errors counter, so that the label takes a bounded number of values whatever the errors say.
public enum ConnectionErrorKind: String, CaseIterable, Sendable {
  /// ``/EddyCodecs/CodecError/lineTooLong(maxLength:)``.
  case codecLineTooLong = "codec_line_too_long"
  /// ``/EddyCodecs/CodecError/frameTooLarge(length:maxLength:)``.
  case codecFrameTooLarge = "codec_frame_too_large"
  /// ``/EddyCodecs/CodecError/corruptStream(_:)``.
  case codecCorruptStream = "codec_corrupt_stream"
  /// ``/EddyCodecs/CodecError/truncatedFrame(bufferedBytes:)``.
  case codecTruncatedFrame = "codec_truncated_frame"
  /// ``/EddyCodecs/CodecError/decompressionLimit(_:)``.
  case codecDecompressionLimit = "codec_decompression_limit"
  /// ``/EddyCodecs/CodecError/invalidFrame(_:)`` or ``/EddyCodecs/CodecError/compressionFailed(code:)``: this side could
  /// not encode.
  case codecEncodeFailed = "codec_encode_failed"
  /// ``/EddyTLS/TLSError/verificationFailed(reason:)``.
  case tlsVerificationFailed = "tls_verification_failed"
  /// ``/EddyTLS/TLSError/handshakeFailed(reason:)`` or ``/EddyTLS/TLSError/invalidConfiguration(reason:)``.
  case tlsHandshakeFailed = "tls_handshake_failed"
  /// ``/EddyTLS/TLSError/handshakeTimeout``.
  case tlsHandshakeTimeout = "tls_handshake_timeout"
  /// ``/EddyTLS/TLSError/protocolError(reason:)``.
  case tlsProtocolError = "tls_protocol_error"
  /// ``/EddyTLS/TLSError/uncleanShutdown``.
  case tlsUncleanShutdown = "tls_unclean_shutdown"
  /// ``/EddyTLS/TLSError/shutdownTimeout``.
  case tlsShutdownTimeout = "tls_shutdown_timeout"
  /// ``/EddyTransports/ServerLimitError/frameTimeout(_:)``.
  case frameTimeout = "frame_timeout"
  /// ``/EddyTransports/ServerLimitError/bufferBudgetExceeded(heldBytes:budget:)``.
  case bufferBudgetExceeded = "buffer_budget_exceeded"
  /// A ``/EddyReactor/SystemError`` with `ECONNRESET`: the peer reset the connection.
  case connectionReset = "connection_reset"
  /// A ``/EddyReactor/SystemError`` with `EPIPE`: the peer had gone when this side wrote.
  case brokenPipe = "broken_pipe"
  /// A ``/EddyReactor/SystemError`` with `ETIMEDOUT`: the kernel gave up on the peer.
  case timedOut = "timed_out"
  /// Any other ``/EddyReactor/SystemError``.
  case system
  /// Any other error (a user's layer's, say).
  case other

  /// The kind of `error`.
  public init(_ error: any Error) {
    switch error {
    case let error as CodecError: self = Self.kind(of: error)
    case let error as TLSError: self = Self.kind(of: error)
    case let error as ServerLimitError:
      switch error {
      case .frameTimeout: self = .frameTimeout
      case .bufferBudgetExceeded: self = .bufferBudgetExceeded
      }
    case let error as SystemError:
      switch error.errno {
      case ECONNRESET: self = .connectionReset
      case EPIPE: self = .brokenPipe
      case ETIMEDOUT: self = .timedOut
      default: self = .system
      }
    default: self = .other
    }
  }

  private static func kind(of error: CodecError) -> Self {
    switch error {
    case .lineTooLong: .codecLineTooLong
    case .frameTooLarge: .codecFrameTooLarge
    case .corruptStream: .codecCorruptStream
    case .truncatedFrame: .codecTruncatedFrame
    case .decompressionLimit: .codecDecompressionLimit
    case .invalidFrame, .compressionFailed: .codecEncodeFailed
    }
  }

  private static func kind(of error: TLSError) -> Self {
    switch error {
    case .verificationFailed: .tlsVerificationFailed
    case .handshakeFailed, .invalidConfiguration: .tlsHandshakeFailed
    case .handshakeTimeout: .tlsHandshakeTimeout
    case .protocolError: .tlsProtocolError
    case .uncleanShutdown: .tlsUncleanShutdown
    case .shutdownTimeout: .tlsShutdownTimeout
    }
  }
}
