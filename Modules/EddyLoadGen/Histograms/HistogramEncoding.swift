import CZlib
import Histogram

/// HdrHistogram's compressed V2 encoding, the one its interval logs carry in base64:
///
/// - an 8-byte header, big-endian: the compressed cookie (`0x1c849304` with the word-size
///   nibble `0x10`, as Java writes `0x1c849314`) and the length of what follows;
/// - then, compressed with zlib (RFC 1950): a 40-byte big-endian header (the V2 cookie
///   `0x1c849313`, the payload's length, the normalizing index offset 0, the significant
///   digits, the lowest discernible and highest trackable values, and the integer-to-double
///   conversion ratio 1.0 as an IEEE double) and the counts from index 0 to the largest value's
///   bucket, each as a `ZigZagLEB128` value, a run of two or more empty buckets as its negated
///   length.
///
/// Readers take a cookie whatever its word-size nibble (`cookie & ~0xf0`), as HdrHistogram's do.
public enum HistogramEncoding {
  static let compressedCookieBase: UInt32 = 0x1c84_9304
  static let encodingCookieBase: UInt32 = 0x1c84_9303
  /// The word-size nibble HdrHistogram writes into both cookies for the V2 encoding.
  static let wordSizeNibble: UInt32 = 0x10
  /// The inner header's length.
  static let headerLength = 40
  /// The largest payload a reader inflates: enough for any layout ``HistogramLayout`` accepts.
  static let maximumPayload = HistogramLayout.maximumCountsLength * 9

  /// `histogram` encoded and in base64.
  public static func base64(_ histogram: Histogram<UInt64>) -> String {
    Base64.encode(encode(histogram))
  }

  /// `histogram` encoded.
  public static func encode(_ histogram: Histogram<UInt64>) -> [UInt8] {
    let layout = HistogramLayout(of: histogram)
    var counts: [(index: Int, count: UInt64)] = []
    for value in histogram.recordedValues() {
      counts.append((layout.index(of: value.value), value.count))
    }
    var payload: [UInt8] = []
    var next = 0
    for (index, count) in counts {
      let zeros = index - next
      if zeros == 1 { ZigZagLEB128.append(0, to: &payload) }
      if zeros > 1 { ZigZagLEB128.append(-Int64(zeros), to: &payload) }
      ZigZagLEB128.append(Int64(clamping: count), to: &payload)
      next = index + 1
    }
    var plain: [UInt8] = []
    plain.reserveCapacity(headerLength + payload.count)
    appendBigEndian(encodingCookieBase | wordSizeNibble, to: &plain)
    appendBigEndian(UInt32(payload.count), to: &plain)
    appendBigEndian(UInt32(0), to: &plain)
    appendBigEndian(UInt32(layout.significantDigits), to: &plain)
    appendBigEndian(layout.lowestDiscernibleValue, to: &plain)
    appendBigEndian(layout.highestTrackableValue, to: &plain)
    appendBigEndian((1.0 as Double).bitPattern, to: &plain)
    plain.append(contentsOf: payload)
    let compressed = deflate(plain)
    var out: [UInt8] = []
    appendBigEndian(compressedCookieBase | wordSizeNibble, to: &out)
    appendBigEndian(UInt32(compressed.count), to: &out)
    return out + compressed
  }

  /// The histogram in base64 `text`.
  public static func decode(base64 text: some StringProtocol) throws(HistogramCodingError) -> Histogram<
    UInt64
  > {
    guard let bytes = Base64.decode(text) else { throw .notBase64 }
    return try decode(bytes)
  }

  /// The histogram in `bytes`.
  public static func decode(_ bytes: [UInt8]) throws(HistogramCodingError) -> Histogram<UInt64> {
    guard bytes.count >= 8 else { throw .truncated }
    let cookie = UInt32(bigEndian: bytes, at: 0)
    guard cookie & ~0xf0 == compressedCookieBase else { throw .unknownCookie(cookie) }
    let length = Int(UInt32(bigEndian: bytes, at: 4))
    guard bytes.count >= 8 + length else { throw .truncated }
    let plain = try inflate(Array(bytes[8..<(8 + length)]))
    guard plain.count >= headerLength else { throw .truncated }
    let inner = UInt32(bigEndian: plain, at: 0)
    guard inner & ~0xf0 == encodingCookieBase else { throw .unknownCookie(inner) }
    let payloadLength = Int(UInt32(bigEndian: plain, at: 4))
    guard plain.count >= headerLength + payloadLength else { throw .truncated }
    let digits = Int(UInt32(bigEndian: plain, at: 12))
    let lowest = UInt64(bigEndian: plain, at: 16)
    let highest = UInt64(bigEndian: plain, at: 24)
    guard UInt32(bigEndian: plain, at: 8) == 0,
      let layout = HistogramLayout(lowest: lowest, highest: highest, digits: digits),
      let significant = SignificantDigits(rawValue: Int8(digits))
    else { throw .invalidLayout(lowest: lowest, highest: highest, digits: digits) }
    var histogram = Histogram<UInt64>(
      lowestDiscernibleValue: lowest, highestTrackableValue: highest,
      numberOfSignificantValueDigits: significant)
    var offset = headerLength
    var index = 0
    let end = headerLength + payloadLength
    while offset < end {
      guard let word = ZigZagLEB128.read(plain, at: &offset), offset <= end else { throw .truncated }
      if word < 0 {
        guard word > -Int64(layout.countsLength) else { throw .invalidCounts }
        index += Int(-word)
        continue
      }
      guard index < layout.countsLength else { throw .invalidCounts }
      if word > 0, !histogram.record(layout.value(at: index), count: UInt64(word)) { throw .invalidCounts }
      index += 1
    }
    return histogram
  }

  private static func appendBigEndian(_ value: some FixedWidthInteger, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
  }

  /// `bytes` compressed as one zlib stream at the best compression, as Java's writer does.
  private static func deflate(_ bytes: [UInt8]) -> [UInt8] {
    var length = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(length))
    let status = out.withUnsafeMutableBufferPointer { target in
      bytes.withUnsafeBufferPointer { source in
        compress2(target.baseAddress, &length, source.baseAddress, uLong(source.count), Z_BEST_COMPRESSION)
      }
    }
    // compress2 fails only without memory or with a buffer under compressBound, neither of
    // which can happen here.
    precondition(status == Z_OK, "compress2 failed: \(status)")
    return Array(out.prefix(Int(length)))
  }

  /// The zlib stream `bytes`, inflated; at most ``maximumPayload`` bytes plus the header.
  private static func inflate(_ bytes: [UInt8]) throws(HistogramCodingError) -> [UInt8] {
    var stream = z_stream()
    guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw .corrupt("inflateInit failed")
    }
    defer { inflateEnd(&stream) }
    var input = bytes
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    var status = Z_OK
    input.withUnsafeMutableBufferPointer { source in
      stream.next_in = source.baseAddress
      stream.avail_in = uInt(source.count)
      while status == Z_OK && out.count <= maximumPayload + headerLength {
        chunk.withUnsafeMutableBufferPointer { target in
          stream.next_out = target.baseAddress
          stream.avail_out = uInt(target.count)
          status = CZlib.inflate(&stream, Z_NO_FLUSH)
          out.append(contentsOf: target.prefix(target.count - Int(stream.avail_out)))
        }
        if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
      }
    }
    guard status == Z_STREAM_END else {
      throw .corrupt(status == Z_OK ? "larger than any histogram" : "zlib status \(status)")
    }
    return out
  }
}

extension UInt32 {
  /// The big-endian value at `offset` of `bytes`, which must hold four bytes there.
  fileprivate init(bigEndian bytes: [UInt8], at offset: Int) {
    self = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
  }
}

extension UInt64 {
  /// The big-endian value at `offset` of `bytes`, which must hold eight bytes there.
  fileprivate init(bigEndian bytes: [UInt8], at offset: Int) {
    self = bytes[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
  }
}
