import EddyProtocols
import Testing

@Suite struct ByteBufferTests {
  @Test func writeThenReadIntegersInBothByteOrders() {
    var buffer = ByteBuffer()
    buffer.writeInteger(UInt32(0x0102_0304))
    buffer.writeInteger(UInt16(0x0506), endianness: .little)
    buffer.writeInteger(UInt64.max - 1)
    #expect(buffer.readableBytes == 14)
    #expect(buffer.getBytes(at: 0, length: 6) == [1, 2, 3, 4, 6, 5])
    #expect(buffer.readInteger(as: UInt32.self) == 0x0102_0304)
    #expect(buffer.readInteger(endianness: .little, as: UInt16.self) == 0x0506)
    #expect(buffer.readInteger(as: UInt64.self) == UInt64.max - 1)
    #expect(buffer.readInteger(as: UInt8.self) == nil)
    #expect(buffer.isEmpty)
  }

  @Test func getIntegerOutOfRangeIsNil() {
    let buffer: ByteBuffer = [1, 2, 3]
    #expect(buffer.getInteger(at: 0, as: UInt32.self) == nil)
    #expect(buffer.getInteger(at: 1, as: UInt16.self) == 0x0203)
    #expect(buffer.getInteger(at: 2, as: UInt16.self) == nil)
    #expect(buffer.getInteger(at: -1, as: UInt8.self) == nil)
  }

  @Test func slicesShareStorageAndCopyOnWrite() {
    var buffer = ByteBuffer(string: "hello world")
    let hello = buffer.readSlice(length: 5)!
    #expect(hello.sharesStorage(with: buffer))
    #expect(hello.string == "hello")
    #expect(buffer.string == " world")
    var copy = hello
    copy.writeString("!")
    #expect(!copy.sharesStorage(with: hello))
    #expect(copy.string == "hello!")
    #expect(hello.string == "hello")
    #expect(buffer.string == " world")
  }

  @Test func mutatingASharedCopyLeavesTheOriginalIntact() {
    let original = ByteBuffer(bytes: [1, 2, 3, 4])
    var copy = original
    copy.setInteger(UInt8(9), at: 0)
    copy.withUnsafeMutableReadableBytes { $0[1] = 8 }
    #expect(original.bytes == [1, 2, 3, 4])
    #expect(copy.bytes == [9, 8, 3, 4])
  }

  @Test func growsAcrossManyWrites() {
    var buffer = ByteBuffer(capacity: 1)
    var expected: [UInt8] = []
    for index in 0..<10_000 {
      let byte = UInt8(truncatingIfNeeded: index)
      buffer.writeInteger(byte)
      expected.append(byte)
    }
    #expect(buffer.bytes == expected)
  }

  @Test func consumedSpaceIsReusedWithoutGrowing() {
    var buffer = ByteBuffer(capacity: 64)
    let capacity = buffer.capacity
    for _ in 0..<1000 {
      buffer.writeBytes([UInt8](repeating: 7, count: 48))
      buffer.moveReaderIndex(forwardBy: 48)
    }
    #expect(buffer.capacity == capacity)
  }

  @Test func firstIndexFindsBytesAfterAnOffset() {
    var buffer = ByteBuffer(string: "xxab\ncd\n")
    buffer.moveReaderIndex(forwardBy: 2)
    #expect(buffer.firstIndex(of: UInt8(ascii: "\n")) == 2)
    #expect(buffer.firstIndex(of: UInt8(ascii: "\n"), from: 3) == 5)
    #expect(buffer.firstIndex(of: UInt8(ascii: "\n"), from: 6) == nil)
    #expect(buffer.firstIndex(of: UInt8(ascii: "z")) == nil)
    // A negative offset is not a readable position; it once read before the readable bytes.
    var shifted = ByteBuffer(string: "a\nb")
    shifted.moveReaderIndex(forwardBy: 2)
    #expect(shifted.firstIndex(of: UInt8(ascii: "\n"), from: -1) == nil)
  }

  @Test func writeWithUnsafeMutableBytesAdvancesByWhatWasWritten() {
    var buffer = ByteBuffer()
    let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 10) { raw in
      #expect(raw.count >= 10)
      for index in 0..<3 { raw[index] = UInt8(index + 1) }
      return 3
    }
    #expect(written == 3)
    #expect(buffer.bytes == [1, 2, 3])
  }

  @Test func clearKeepsUniqueStorageAndDetachesShared() {
    var buffer = ByteBuffer(capacity: 128)
    buffer.writeString("abc")
    let kept = buffer
    buffer.clear()
    #expect(!buffer.sharesStorage(with: kept))
    #expect(kept.string == "abc")
    var unique = ByteBuffer(capacity: 128)
    unique.writeString("abc")
    let capacity = unique.capacity
    unique.clear()
    #expect(unique.isEmpty && unique.capacity == capacity)
  }

  @Test func equalityAndHashingLookAtReadableBytesOnly() {
    var left = ByteBuffer(string: "--same")
    left.moveReaderIndex(forwardBy: 2)
    let right = ByteBuffer(string: "same")
    #expect(left == right)
    #expect(left.hashValue == right.hashValue)
    #expect(left != ByteBuffer(string: "sane"))
    #expect(ByteBuffer() == ByteBuffer(capacity: 10))
  }

  @Test func readBytesAndStringsRefuseShortReads() {
    var buffer = ByteBuffer(string: "abc")
    #expect(buffer.readBytes(length: 4) == nil)
    #expect(buffer.readString(length: 2) == "ab")
    #expect(buffer.readSlice(length: 2) == nil)
    #expect(buffer.readBytes(length: 1) == [UInt8(ascii: "c")])
    #expect(buffer.getSlice(at: 0, length: 0)?.isEmpty == true)
  }
}
