"""Client-side codec stacks for the probe and idle clients, named as Eddy's tools name them.

A stack is comma-separated from the wire upward: raw, line, length-prefix, zlib, zlib,line,
zlib,length-prefix. `encode` turns one message into wire bytes; `decode` takes received wire bytes
and returns the whole messages they complete, in order.
"""

import argparse
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
    """One zlib stream each way under an inner framing, sync-flushed after every message, with a
    window of 2^window bytes and the compressor's memory level (zlib's defaults: 15 and 8)."""

    def __init__(self, inner, window=15, memory=8):
        self.inner = inner
        self.compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, window, memory)
        self.decompressor = zlib.decompressobj(window)

    def encode(self, message):
        framed = self.inner.encode(message)
        return self.compressor.compress(framed) + self.compressor.flush(zlib.Z_SYNC_FLUSH)

    def decode(self, data):
        return self.inner.decode(self.decompressor.decompress(data))


FRAMINGS = {"raw": Raw, "line": Line, "length-prefix": LengthPrefix}
STACKS = ("raw", "line", "length-prefix", "zlib", "zlib,line", "zlib,length-prefix")


def make_stack(name):
    """A fresh codec for one connection, for a stack name from STACKS; the zlib layer may carry
    `window` and `memory` keys as the stack grammar writes them (`zlib:window=10:memory=2,line`)."""
    layers = name.split(",")
    zlib_name, *zlib_keys = layers[0].split(":")
    plain = ",".join([zlib_name] + layers[1:])
    if plain not in STACKS or (zlib_keys and zlib_name != "zlib"):
        raise ValueError(f"unknown codec stack {name!r}; known: {', '.join(STACKS)}")
    if zlib_name == "zlib":
        settings = dict(key.split("=", 1) for key in zlib_keys)
        unknown = set(settings) - {"window", "memory"}
        if unknown:
            raise ValueError(f"unsupported zlib keys in {name!r}: {', '.join(sorted(unknown))}")
        return Zlib(
            FRAMINGS[layers[1] if len(layers) > 1 else "raw"](),
            window=int(settings.get("window", 15)),
            memory=int(settings.get("memory", 8)),
        )
    return FRAMINGS[name]()


def stack_name(text):
    """An argparse type: `text` if make_stack accepts it."""
    try:
        make_stack(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def parse_target(target):
    """HOST:PORT, [IPV6]:PORT or PORT alone (meaning 127.0.0.1) -> (host, port)."""
    if target.isdigit():
        return "127.0.0.1", int(target)
    host, _, port = target.rpartition(":")
    return host.strip("[]"), int(port)
