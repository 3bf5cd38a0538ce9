import EddyProtocols

/// Interprets the input as ByteBuffer operations and runs each one on a buffer and on a plain
/// array of bytes, the model. After every operation the readable bytes must equal the model,
/// and every slice or copy taken earlier must still hold the bytes it had (copy-on-write).
/// Offsets and lengths may be negative or out of range wherever the API promises nil for them.
enum ByteBufferFuzz {
  /// A slice or copy taken earlier and the bytes it must keep.
  private struct Kept {
    let buffer: ByteBuffer
    let bytes: [UInt8]
  }

  static func run(_ input: inout FuzzInput) throws(FuzzFailure) {
    var buffer = ByteBuffer(capacity: input.int(in: 0...256))
    var model: [UInt8] = []
    var kept: [Kept] = []
    var step = 0
    while !input.isAtEnd && step < 2000 {
      step += 1
      try apply(input.byte() % 20, &buffer, &model, &kept, &input)
      try require(
        buffer.readableBytes == model.count,
        "step \(step): \(buffer.readableBytes) readable, model \(model.count)")
      try require(buffer.bytes == model, "step \(step): readable bytes differ from the model")
      try require(buffer.writerIndex - buffer.readerIndex == model.count, "step \(step): indices disagree")
      try require(
        buffer.writableBytes >= 0 && buffer.writerIndex <= buffer.capacity,
        "step \(step): writer past capacity")
      for (index, slice) in kept.enumerated() {
        try require(slice.buffer.bytes == slice.bytes, "step \(step): kept buffer \(index) changed")
      }
      if kept.count > 8 { kept.removeFirst() }
    }
  }

  /// An offset or length around the readable range: negative, inside, at the end or past it.
  private static func position(_ input: inout FuzzInput, count: Int) -> Int {
    input.int(in: -3...(count + 3))
  }

  private static func apply(
    _ op: UInt8, _ buffer: inout ByteBuffer, _ model: inout [UInt8], _ kept: inout [Kept],
    _ input: inout FuzzInput
  ) throws(FuzzFailure) {
    switch op {
    case 0:
      let bytes = input.bytes(count: Int(input.byte() % 80))
      buffer.writeBytes(bytes)
      model += bytes
    case 1:
      let value = UInt64(input.byte()) << 56 | UInt64(input.byte()) << 8 | UInt64(input.byte())
      let endianness: Endianness = input.bool() ? .big : .little
      switch input.byte() % 4 {
      case 0: writeInteger(UInt8(truncatingIfNeeded: value), endianness, &buffer, &model)
      case 1: writeInteger(UInt16(truncatingIfNeeded: value), endianness, &buffer, &model)
      case 2: writeInteger(UInt32(truncatingIfNeeded: value), endianness, &buffer, &model)
      default: writeInteger(value, endianness, &buffer, &model)
      }
    case 2:
      let endianness: Endianness = input.bool() ? .big : .little
      let read = buffer.readInteger(endianness: endianness, as: UInt32.self)
      let expected = integer(UInt32.self, model, at: 0, endianness)
      try require(
        read == expected,
        "readInteger gave \(String(describing: read)), expected \(String(describing: expected))")
      if expected != nil { model.removeFirst(4) }
    case 3:
      let offset = position(&input, count: model.count)
      let got = buffer.getInteger(at: offset, endianness: .little, as: UInt16.self)
      let expected = integer(UInt16.self, model, at: offset, .little)
      try require(got == expected, "getInteger(at: \(offset)) gave \(String(describing: got))")
    case 4:
      let length = position(&input, count: model.count)
      let slice = buffer.readSlice(length: length)
      if length >= 0 && length <= model.count {
        try require(slice?.bytes == Array(model[..<length]), "readSlice(length: \(length)) is wrong")
        kept.append(Kept(buffer: slice!, bytes: Array(model[..<length])))
        model.removeFirst(length)
      } else {
        try require(slice == nil, "readSlice(length: \(length)) of \(model.count) is not nil")
      }
    case 5:
      let offset = position(&input, count: model.count)
      let length = position(&input, count: model.count)
      let got = buffer.getBytes(at: offset, length: length)
      try require(
        got == range(model, offset, length).map { Array(model[$0]) },
        "getBytes(at: \(offset), length: \(length)) is wrong")
    case 6:
      let count = input.int(in: 0...max(0, model.count))
      buffer.moveReaderIndex(forwardBy: count)
      model.removeFirst(count)
    case 7:
      let count = input.int(in: 0...max(0, model.count))
      buffer.moveWriterIndex(backwardBy: count)
      model.removeLast(count)
    case 8:
      buffer.clear()
      model.removeAll()
    case 9:
      let wanted = input.int(in: 0...4096)
      buffer.reserveCapacity(minimumWritableBytes: wanted)
      try require(buffer.writableBytes >= wanted, "reserveCapacity(\(wanted)) left \(buffer.writableBytes)")
    case 10:
      var copy = buffer
      let extra = input.bytes(count: Int(input.byte() % 16) + 1)
      copy.writeBytes(extra)
      kept.append(Kept(buffer: copy, bytes: model + extra))
    case 11:
      let needle = input.byte()
      let offset = position(&input, count: model.count)
      let got = buffer.firstIndex(of: needle, from: offset)
      let expected =
        offset >= 0 && offset < model.count ? model[offset...].firstIndex(of: needle) : nil
      try require(
        got == expected,
        "firstIndex(of: \(needle), from: \(offset)) gave \(String(describing: got)), expected \(String(describing: expected))"
      )
    case 12:
      let offset = position(&input, count: model.count)
      let expected = offset >= 0 && offset < model.count ? model[offset] : nil
      try require(buffer.getByte(at: offset) == expected, "getByte(at: \(offset)) is wrong")
    case 13:
      guard model.count >= 4 else { return }
      let offset = input.int(in: 0...(model.count - 4))
      let value = UInt32(input.byte()) << 24 | UInt32(input.byte())
      buffer.setInteger(value, at: offset)
      withUnsafeBytes(of: value.bigEndian) { model.replaceSubrange(offset..<offset + 4, with: $0) }
    case 14:
      let delta = input.byte()
      buffer.withUnsafeMutableReadableBytes { bytes in
        for index in bytes.indices { bytes[index] &+= delta }
      }
      for index in model.indices { model[index] &+= delta }
    case 15:
      let minimum = input.int(in: 0...512)
      let fill = input.byte()
      let wanted = input.int(in: 0...minimum)
      let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: minimum) { space in
        guard space.count >= minimum else { return 0 }
        for index in 0..<wanted { space[index] = fill }
        return wanted
      }
      try require(written == wanted, "writeWithUnsafeMutableBytes offered less than \(minimum) bytes")
      model += Array(repeating: fill, count: wanted)
    case 16:
      let length = position(&input, count: model.count)
      let read = buffer.readString(length: length)
      if length >= 0 && length <= model.count {
        try require(
          read == String(decoding: model[..<length], as: UTF8.self), "readString(length: \(length)) is wrong")
        model.removeFirst(length)
      } else {
        try require(read == nil, "readString(length: \(length)) of \(model.count) is not nil")
      }
    case 17:
      let same = ByteBuffer(bytes: model)
      try require(same == buffer && same.hashValue == buffer.hashValue, "equal bytes compare or hash unequal")
    case 18:
      let copy = buffer
      buffer.writeBuffer(copy)
      model += model
      if model.count > 4096 {
        buffer.moveWriterIndex(backwardBy: model.count - 4096)
        model.removeLast(model.count - 4096)
      }
    default:
      let offset = position(&input, count: model.count)
      let length = position(&input, count: model.count)
      let slice = buffer.getSlice(at: offset, length: length)
      if let bounds = range(model, offset, length) {
        try require(
          slice?.bytes == Array(model[bounds]), "getSlice(at: \(offset), length: \(length)) is wrong")
        kept.append(Kept(buffer: slice!, bytes: Array(model[bounds])))
      } else {
        try require(slice == nil, "getSlice(at: \(offset), length: \(length)) of \(model.count) is not nil")
      }
    }
  }

  /// The model's range for `offset` and `length`, or nil when it is not all readable.
  private static func range(_ model: [UInt8], _ offset: Int, _ length: Int) -> Range<Int>? {
    guard offset >= 0, length >= 0, offset + length <= model.count else { return nil }
    return offset..<offset + length
  }

  private static func writeInteger<T: FixedWidthInteger>(
    _ value: T, _ endianness: Endianness, _ buffer: inout ByteBuffer, _ model: inout [UInt8]
  ) {
    buffer.writeInteger(value, endianness: endianness)
    let ordered = endianness == .big ? value.bigEndian : value.littleEndian
    withUnsafeBytes(of: ordered) { model += $0 }
  }

  private static func integer<T: FixedWidthInteger>(
    _ type: T.Type, _ model: [UInt8], at offset: Int, _ endianness: Endianness
  ) -> T? {
    let size = MemoryLayout<T>.size
    guard let bounds = range(model, offset, size) else { return nil }
    let bytes = model[bounds]
    var value: T = 0
    for (index, byte) in bytes.enumerated() {
      let shift = endianness == .big ? 8 * (size - 1 - index) : 8 * index
      value |= T(byte) << shift
    }
    return value
  }
}
