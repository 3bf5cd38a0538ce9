/// What the descriptor under a ``DescriptorStreamTransport`` is, which decides the system calls
/// it makes and the directions it serves.
enum StreamDescriptorKind {
  /// A connected stream socket: `send` with `MSG_NOSIGNAL`, half-close with `shutdown`.
  case socket
  /// The read end of a pipe, a FIFO or a tty: reads only.
  case readPipe
  /// The write end of a pipe, a FIFO or a tty: writes only; `writeEOF` closes it.
  case writePipe
}
