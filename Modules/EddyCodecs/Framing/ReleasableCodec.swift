/// What decoders and encoders share: resources held outside their own memory (such as a zlib
/// state), freed once when the connection ends.
public protocol ReleasableCodec {
  /// Frees what the codec holds outside its own memory; called once when the connection ends.
  mutating func release()
}

extension ReleasableCodec {
  /// Does nothing.
  public mutating func release() {}
}
