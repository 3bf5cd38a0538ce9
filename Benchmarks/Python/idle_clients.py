#!/usr/bin/env python3
"""Opens many connections to an echo server, has each echo one message, then holds them idle.

usage: idle_clients.py TARGET [--connections 2000] [--codec STACK] [--batch 100] [--hold SECONDS]
                       [--silent]

Connections are opened in batches (so the server's accept backlog never overflows); each sends one
64-byte message and waits for its echo, so the server has set up and used every connection. Then
one line, "holding N connections", is printed and flushed, and the connections stay open and idle
until SIGTERM or SIGINT or the hold time runs out; exit status 0. Any connection that fails to
connect or to echo makes it exit 1 with the reason on stderr.

With --silent the connections send nothing (so a server that sets up per-connection state on first
use, such as a zlib stream, never does); "holding" is printed a second after the last one
connected, time for the server to accept them all.
"""

import argparse
import asyncio
import resource
import signal
import sys

from framing import make_stack, parse_target, stack_name

MESSAGE = b"i" * 64


async def open_one(host, port, codec_name, silent):
    reader, writer = await asyncio.open_connection(host, port)
    if silent:
        return writer
    codec = make_stack(codec_name)
    writer.write(codec.encode(MESSAGE))
    replies = []
    while not replies:
        data = await reader.read(4096)
        if not data:
            raise ConnectionError("the server closed a connection before echoing")
        replies = codec.decode(data)
    if replies != [MESSAGE]:
        raise ConnectionError("the server's echo differs from the message")
    return writer


async def hold(options):
    host, port = parse_target(options.target)
    writers = []
    try:
        for start in range(0, options.connections, options.batch):
            count = min(options.batch, options.connections - start)
            batch = [open_one(host, port, options.codec, options.silent) for _ in range(count)]
            writers += await asyncio.wait_for(asyncio.gather(*batch), options.connect_timeout)
        if options.silent:
            await asyncio.sleep(1)
        print(f"holding {len(writers)} connections", flush=True)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stopping.set)
        try:
            await asyncio.wait_for(stopping.wait(), options.hold)
        except asyncio.TimeoutError:
            pass
    finally:
        for writer in writers:
            writer.close()


def main():
    parser = argparse.ArgumentParser(description="hold many idle echo connections open")
    parser.add_argument("target", help="PORT, HOST:PORT or [IPV6]:PORT")
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--codec", type=stack_name, default="raw")
    parser.add_argument("--batch", type=int, default=100, help="connections opened at once")
    parser.add_argument("--connect-timeout", type=float, default=30.0, help="seconds allowed per batch")
    parser.add_argument("--hold", type=float, default=60.0, help="seconds to hold at most")
    parser.add_argument("--silent", action="store_true", help="connect only: send nothing")
    options = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = options.connections + 64
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    try:
        asyncio.run(hold(options))
    except asyncio.TimeoutError:
        print(f"idle clients failed: a batch did not connect and echo within {options.connect_timeout:g} s", file=sys.stderr)
        sys.exit(1)
    except OSError as error:
        print(f"idle clients failed: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
