#!/usr/bin/env python3
"""A closed-loop echo client that checks every reply byte for byte: the comparison's smoke check.

usage: probe_client.py TARGET [--codec STACK] [--connections N] [--messages N] [--pipeline K]
                              [--sizes 1,64,1000,65536] [--timeout SECONDS]
                              [--tls --tls-ca PEM [--tls-server-name NAME]]

Each connection keeps K messages outstanding until it has sent N, cycling through the payload
sizes (so large messages arrive split across reads). Prints one summary line and exits 0 when every
reply matched; exits 1 with the reason on stderr on a mismatch, an early close or the time limit.
With --tls it speaks TLS (Python's ssl module), verifying the server against the CAs of --tls-ca and
the name of --tls-server-name (the target's host by default).
"""

import argparse
import asyncio
import collections
import random
import ssl
import sys

from framing import make_stack, parse_target, stack_name


class ProbeFailure(Exception):
    """A reply that was wrong, missing or late."""


# Maps every byte value to a letter or digit, for line payloads that must hold no \n or \r.
TEXT_TABLE = bytes(b"abcdefghijklmnopqrstuvwxyz0123456789"[value % 36] for value in range(256))


def payload(rng, size, codec_name):
    """Random bytes; only letters and digits when lines frame them."""
    data = rng.randbytes(size)
    return data.translate(TEXT_TABLE) if "line" in codec_name else data


async def probe_connection(host, port, options, index):
    rng = random.Random(index)
    codec = make_stack(options.codec)
    if options.tls:
        tls = ssl.create_default_context(cafile=options.tls_ca)
        reader, writer = await asyncio.open_connection(
            host, port, ssl=tls, server_hostname=options.tls_server_name or host
        )
    else:
        reader, writer = await asyncio.open_connection(host, port)
    outstanding = collections.deque()
    sent = received = 0
    try:
        while received < options.messages:
            while len(outstanding) < options.pipeline and sent < options.messages:
                message = payload(rng, options.sizes[sent % len(options.sizes)], options.codec)
                outstanding.append(message)
                writer.write(codec.encode(message))
                sent += 1
            await writer.drain()
            data = await reader.read(256 * 1024)
            if not data:
                raise ProbeFailure(f"connection {index}: closed by the server after {received} replies")
            for reply in codec.decode(data):
                if not outstanding:
                    raise ProbeFailure(f"connection {index}: a reply nothing was sent for")
                expected = outstanding.popleft()
                if reply != expected:
                    raise ProbeFailure(
                        f"connection {index}: reply {received} differs "
                        f"({len(reply)} bytes back, {len(expected)} sent)"
                    )
                received += 1
    finally:
        writer.close()
    return received


async def probe(options):
    host, port = parse_target(options.target)
    counts = await asyncio.gather(
        *(probe_connection(host, port, options, index) for index in range(options.connections))
    )
    return sum(counts)


def main():
    parser = argparse.ArgumentParser(description="check an echo server reply by reply")
    parser.add_argument("target", help="PORT, HOST:PORT or [IPV6]:PORT")
    parser.add_argument("--codec", type=stack_name, default="raw")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--messages", type=int, default=200, help="messages per connection")
    parser.add_argument("--pipeline", type=int, default=8)
    parser.add_argument("--sizes", default="1,64,1000,65536", help="payload sizes in bytes, cycled")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--tls", action="store_true", help="speak TLS")
    parser.add_argument("--tls-ca", help="PEM file of the CAs to trust (the system's by default)")
    parser.add_argument("--tls-server-name", help="the name to verify (the target's host by default)")
    options = parser.parse_args()
    options.sizes = [int(size) for size in options.sizes.split(",")]
    try:
        total = asyncio.run(asyncio.wait_for(probe(options), options.timeout))
    except ProbeFailure as failure:
        print(f"probe failed: {failure}", file=sys.stderr)
        sys.exit(1)
    except asyncio.TimeoutError:
        print(f"probe failed: not every reply came back within {options.timeout:g} s", file=sys.stderr)
        sys.exit(1)
    except OSError as error:
        print(f"probe failed: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
    print(
        f"probe ok: {options.target} codec={options.codec}{' tls' if options.tls else ''} "
        f"connections={options.connections} replies={total}"
    )


if __name__ == "__main__":
    main()
