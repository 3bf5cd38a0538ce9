#!/usr/bin/env python3
"""A protocol-based asyncio echo server, the Python peer of Eddy's echo-server.

usage: asyncio_echo.py [--host HOST] [--port PORT] [--codec raw|line|length-prefix] [--uvloop]

The first stdout line, flushed at once, is "listening on HOST:PORT". SIGINT or SIGTERM closes the
server and every connection and exits with status 0. `--uvloop` runs the same code on uvloop.

- raw: bytes are echoed as they arrive.
- line: a frame ends at \\n (a \\r right before it is dropped); each is echoed followed by \\n. A line
  longer than 64 KiB closes that connection.
- length-prefix: a 4-byte big-endian payload length, then the payload; each frame is echoed with a
  fresh header. A frame over 16 MiB closes that connection.
"""

import argparse
import asyncio
import signal
import struct
import sys

MAX_LINE = 64 * 1024
MAX_FRAME = 16 * 1024 * 1024
HEADER = struct.Struct(">I")


class RawEcho(asyncio.Protocol):
    """Echoes bytes as they come."""

    def __init__(self, connections):
        self.connections = connections
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        self.connections.add(transport)

    def connection_lost(self, exc):
        self.connections.discard(self.transport)

    def data_received(self, data):
        self.transport.write(data)


class FramedEcho(RawEcho):
    """Buffers input, cuts it into frames and echoes each frame re-encoded.

    Subclasses define `next_frame(start)`, returning the next whole frame at or after offset `start`
    of the buffer and the offset after it (or None and `start` when the frame is incomplete), and
    `encode(frame)`, returning the frame's wire bytes.
    """

    def __init__(self, connections):
        super().__init__(connections)
        self.buffer = bytearray()

    def data_received(self, data):
        self.buffer += data
        replies = []
        start = 0
        try:
            while True:
                frame, start = self.next_frame(start)
                if frame is None:
                    break
                replies.append(self.encode(frame))
        except ValueError as error:
            print(f"closing a connection: {error}", file=sys.stderr, flush=True)
            self.transport.close()
            return
        if start:
            del self.buffer[:start]
        if replies:
            self.transport.write(b"".join(replies))


class LineEcho(FramedEcho):
    """Frames end at \\n; a \\r before it is dropped."""

    def next_frame(self, start):
        end = self.buffer.find(b"\n", start)
        if end < 0:
            if len(self.buffer) - start > MAX_LINE:
                raise ValueError(f"a line is longer than {MAX_LINE} bytes")
            return None, start
        stop = end - 1 if end > start and self.buffer[end - 1] == 0x0D else end
        if stop - start > MAX_LINE:
            raise ValueError(f"a line is longer than {MAX_LINE} bytes")
        return bytes(self.buffer[start:stop]), end + 1

    def encode(self, frame):
        return frame + b"\n"


class LengthPrefixEcho(FramedEcho):
    """Frames are a 4-byte big-endian payload length, then the payload."""

    def next_frame(self, start):
        if len(self.buffer) - start < HEADER.size:
            return None, start
        (length,) = HEADER.unpack_from(self.buffer, start)
        if length > MAX_FRAME:
            raise ValueError(f"a frame of {length} bytes is over the {MAX_FRAME}-byte limit")
        end = start + HEADER.size + length
        if len(self.buffer) < end:
            return None, start
        return bytes(self.buffer[start + HEADER.size : end]), end

    def encode(self, frame):
        return HEADER.pack(len(frame)) + frame


PROTOCOLS = {"raw": RawEcho, "line": LineEcho, "length-prefix": LengthPrefixEcho}


async def serve(host, port, codec):
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    connections = set()
    protocol = PROTOCOLS[codec]
    server = await loop.create_server(lambda: protocol(connections), host, port, backlog=1024)
    bound_host, bound_port = server.sockets[0].getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    print(f"listening on {shown}:{bound_port}", flush=True)
    await stopping.wait()
    server.close()
    for transport in list(connections):
        transport.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser(description="protocol-based asyncio echo server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--codec", choices=sorted(PROTOCOLS), default="raw")
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop instead of asyncio's own loop")
    options = parser.parse_args()
    server = serve(options.host, options.port, options.codec)
    if options.uvloop:
        import uvloop

        uvloop.run(server)
    else:
        asyncio.run(server)


if __name__ == "__main__":
    main()
