/// Decoding of the status `waitpid` reports for a child that ended.
enum WaitStatus {
  /// The exit status of a child that exited, or the negated number of the signal that killed it.
  static func returnCode(_ status: Int32) -> Int32 {
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : -signal
  }
}
