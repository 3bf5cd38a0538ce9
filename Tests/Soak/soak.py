#!/usr/bin/env python3
"""Soak test: many connections through every codec stack of echo-server, for a bounded time.

Usage: soak.py PATH/TO/echo-server [--seconds S] [--connections N] [--rounds R]

Each round starts one echo-server per stack (raw, line, length-prefix, zlib, zlib,line,
zlib,length-prefix) and stops it with SIGTERM at the end (exit status 0 required), so servers
restart between rounds. Within a round, clients connect in waves: every wave opens N connections
per stack at once, each sends batches of messages and reads every echo back, then half-closes,
reads to the end and disconnects; the next wave reconnects. Every message carries its sequence
number and the CRC-32 of its payload; framed stacks check each echoed message, unframed stacks
(raw, zlib) check the echoed byte stream against the sent one. The final accounting requires every
byte sent to have come back exactly once and in order, on every connection of every stack.
"""
import argparse
import os
import random
import sys
import threading
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Interop"))
from echo_interop import Framing, Server, read_until_eof  # noqa: E402  (argv[1] is the server)

STACKS = ["raw", "line", "length-prefix", "zlib", "zlib,line", "zlib,length-prefix"]
BATCH = 16


class Tally:
    """Totals per stack, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = {stack: 0 for stack in STACKS}
        self.received = {stack: 0 for stack in STACKS}
        self.messages = {stack: 0 for stack in STACKS}
        self.connections = {stack: 0 for stack in STACKS}
        self.failures = []

    def add(self, stack, sent, received, messages):
        with self.lock:
            self.sent[stack] += sent
            self.received[stack] += received
            self.messages[stack] += messages
            self.connections[stack] += 1

    def fail(self, text):
        with self.lock:
            self.failures.append(text)


def make_message(seq, rng):
    """seq and CRC-32 as hex, then printable payload (no line breaks, so every stack carries it)."""
    payload = bytes(rng.randrange(33, 127) for _ in range(rng.randrange(0, 1500)))
    return b"%08x%08x" % (seq, zlib.crc32(payload)) + payload


def check_message(message, seq):
    header, payload = message[:16], message[16:]
    if len(header) != 16 or int(header[:8], 16) != seq:
        return f"message {seq} came back as {header[:8]!r}"
    if int(header[8:], 16) != zlib.crc32(payload):
        return f"message {seq}: checksum mismatch"
    return None


def run_connection(server, stack, messages_per_connection, seed, tally):
    rng = random.Random(seed)
    framing = Framing(stack)
    framed = "line" in stack or "length-prefix" in stack
    sent_bytes = received_bytes = 0
    sent_stream = bytearray()
    echoed_stream = bytearray()
    try:
        sock = server.connect()
        seq = 0
        while seq < messages_per_connection:
            batch = [make_message(seq + i, rng) for i in range(min(BATCH, messages_per_connection - seq))]
            sock.sendall(framing.encode(batch))
            expected = sum(len(m) for m in batch)
            sent_bytes += expected
            sent_stream += b"".join(batch)
            got = 0
            while got < (len(batch) if framed else expected):
                data = sock.recv(65536)
                if not data:
                    raise AssertionError(f"connection closed after message {seq} of a batch")
                for piece in framing.decode(data):
                    received_bytes += len(piece)
                    if framed:
                        problem = check_message(piece, seq)
                        if problem:
                            raise AssertionError(problem)
                        seq += 1
                        got += 1
                    else:
                        echoed_stream += piece
                        got += len(piece)
            if not framed:
                seq += len(batch)
        if framing.compress:
            sock.sendall(framing.compress.flush(zlib.Z_FINISH))
        sock.shutdown(1)
        rest = read_until_eof(sock)
        if framing.decompress:
            rest = framing.decompress.decompress(rest)
        if rest:
            raise AssertionError(f"{len(rest)} unexpected bytes after the last echo")
        sock.close()
        if not framed and echoed_stream != sent_stream:
            raise AssertionError("the echoed byte stream differs from the sent one")
        tally.add(stack, sent_bytes, received_bytes, messages_per_connection)
    except Exception as error:  # every failure is reported, none stops the other clients
        tally.fail(f"{stack} (seed {seed}): {error!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("server")
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()

    tally = Tally()
    started = time.monotonic()
    waves = 0
    seed = 0
    for round_number in range(args.rounds):
        round_end = started + args.seconds * (round_number + 1) / args.rounds
        servers = {stack: Server("--codec", stack, "--loops", "2") for stack in STACKS}
        try:
            while time.monotonic() < round_end and not tally.failures:
                threads = []
                for stack in STACKS:
                    for _ in range(args.connections):
                        seed += 1
                        thread = threading.Thread(
                            target=run_connection, args=(servers[stack], stack, args.messages, seed, tally))
                        thread.start()
                        threads.append(thread)
                for thread in threads:
                    thread.join(timeout=120)
                    if thread.is_alive():
                        tally.fail("a client did not finish within 120 s")
                waves += 1
        finally:
            for stack, server in servers.items():
                status = server.stop()
                if status != 0:
                    tally.fail(f"echo-server --codec {stack} exited with status {status}")
        print(f"round {round_number + 1}/{args.rounds}: {waves} waves so far, "
              f"{sum(tally.connections.values())} connections", flush=True)

    elapsed = time.monotonic() - started
    print(f"soak: {elapsed:.0f} s, {args.rounds} server restarts, {waves} waves")
    for stack in STACKS:
        print(f"  {stack:<18} connections {tally.connections[stack]:>6}  messages {tally.messages[stack]:>8}  "
              f"sent {tally.sent[stack]:>11}  received {tally.received[stack]:>11}")
    for stack in STACKS:
        if tally.sent[stack] != tally.received[stack]:
            tally.fail(f"{stack}: sent {tally.sent[stack]} bytes, received {tally.received[stack]}")
        if tally.connections[stack] == 0:
            tally.fail(f"{stack}: no connection completed")
    if tally.failures:
        for failure in tally.failures[:20]:
            print("FAIL", failure, file=sys.stderr)
        sys.exit(1)
    print("soak: every byte sent came back exactly once, in order")


if __name__ == "__main__":
    main()
