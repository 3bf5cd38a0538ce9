#!/usr/bin/env python3
"""A small bounded echo client for `make demo`: N connections, one 64-byte message in flight
each, for a fixed time; prints messages per second and latency percentiles."""
import argparse
import selectors
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("address")
parser.add_argument("--connections", type=int, default=8)
parser.add_argument("--seconds", type=float, default=3.0)
args = parser.parse_args()
host, port = args.address.rsplit(":", 1)
message = bytes(range(64))
selector = selectors.DefaultSelector()
latencies = []
pending = {}
for _ in range(args.connections):
    sock = socket.create_connection((host.strip("[]"), int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setblocking(False)
    selector.register(sock, selectors.EVENT_READ)
    pending[sock] = [time.perf_counter(), b""]
    sock.send(message)
deadline = time.monotonic() + args.seconds
while time.monotonic() < deadline:
    for key, _ in selector.select(timeout=0.1):
        sock = key.fileobj
        state = pending[sock]
        state[1] += sock.recv(65536)
        if len(state[1]) >= len(message):
            assert state[1][: len(message)] == message, "echo mismatch"
            latencies.append(time.perf_counter() - state[0])
            state[0], state[1] = time.perf_counter(), state[1][len(message):]
            sock.send(message)
latencies.sort()


def pct(p):
    return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e6


print(f"{len(latencies)} echoes over {args.connections} connections in {args.seconds:.0f} s: "
      f"{len(latencies) / args.seconds:,.0f} msgs/s (a Python client; loadgen measures the server properly)")
print(f"latency p50 {pct(50):.0f} us, p99 {pct(99):.0f} us, max {latencies[-1] * 1e6:.0f} us")
