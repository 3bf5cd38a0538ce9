"""Client-side codec stacks for the probe and idle clients, named as Eddy's tools name them.

A stack is comma-separated from the wire upward: raw, line, length-prefix, zlib, zlib,line,
zlib,length-prefix. `encode` turns one message into wire bytes; `decode` takes received wire bytes
and returns the whole messages they complete, in order.
"""

import collections
import struct
import zlib

HEADER = struct.Struct(">I")


class Raw:
    """No framing: a reply is complete once as many bytes as the message had came back."""

    def __init__(self):
        self.lengths = collections.deque()
        self.buffer = bytearray()

    def encode(self, message):
        if message:
            self.lengths.append(len(message))
        return message

    def decode(self, data):
        self.buffer += data
        messages = []
        while self.lengths and len(self.buffer) >= self.lengths[0]:
            length = self.lengths.popleft()
            messages.append(bytes(self.buffer[:length]))
            del self.buffer[:length]
        return messages


class Line:
    """Messages end at \\n."""

    def __init__(self):
        self.buffer = bytearray()

    def encode(self, message):
        return message + b"\n"

    def decode(self, data):
        self.buffer += data
        messages = []
        start = 0
        while (end := self.buffer.find(b"\n", start)) >= 0:
            messages.append(bytes(self.buffer[start:end]))
            start = end + 1
        del self.buffer[:start]
        return messages


class LengthPrefix:
    """Messages are a 4-byte big-endian payload length, then the payload."""

    def __init__(self):
        self.buffer = bytearray()

    def encode(self, message):
        return HEADER.pack(len(message)) + message

    def decode(self, data):
        self.buffer += data
        messages = []
        start = 0
        while len(self.buffer) - start >= HEADER.size:
            (length,) = HEADER.unpack_from(self.buffer, start)
            end = start + HEADER.size + length
            if len(self.buffer) < end:
                break
            messages.append(bytes(self.buffer[start + HEADER.size : end]))
            start = end
        del self.buffer[:start]
        return messages


class Zlib:
    """One zlib stream each way under an inner framing, sync-flushed after every message."""

    def __init__(self, inner):
        self.inner = inner
        self.compressor = zlib.compressobj()
        self.decompressor = zlib.decompressobj()

    def encode(self, message):
        framed = self.inner.encode(message)
        return self.compressor.compress(framed) + self.compressor.flush(zlib.Z_SYNC_FLUSH)

    def decode(self, data):
        return self.inner.decode(self.decompressor.decompress(data))


FRAMINGS = {"raw": Raw, "line": Line, "length-prefix": LengthPrefix}
STACKS = ("raw", "line", "length-prefix", "zlib", "zlib,line", "zlib,length-prefix")


def make_stack(name):
    """A fresh codec for one connection, for a stack name from STACKS."""
    layers = name.split(",")
    if name not in STACKS:
        raise ValueError(f"unknown codec stack {name!r}; known: {', '.join(STACKS)}")
    if layers[0] == "zlib":
        return Zlib(FRAMINGS[layers[1] if len(layers) > 1 else "raw"]())
    return FRAMINGS[name]()


def parse_target(target):
    """HOST:PORT, [IPV6]:PORT or PORT alone (meaning 127.0.0.1) -> (host, port)."""
    if target.isdigit():
        return "127.0.0.1", int(target)
    host, _, port = target.rpartition(":")
    return host.strip("[]"), int(port)
