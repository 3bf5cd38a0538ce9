#!/usr/bin/env python3
"""Drives Eddy's echo-server with Python's standard library, a peer not written in Swift.

Usage: echo_interop.py PATH/TO/echo-server
Each check starts a fresh server, talks to it over loopback, and stops it by its PID.
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import time

SERVER = sys.argv[1]
TIMEOUT = 10


class Server:
    def __init__(self, *args):
        self.proc = subprocess.Popen([SERVER, "--port", "0", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        assert line.startswith("listening on 127.0.0.1:"), f"unexpected first line: {line!r}"
        self.port = int(line.rsplit(":", 1)[1])

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("server did not exit within 5 s of SIGTERM")


def read_until_eof(sock):
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def recv_exactly(sock, count):
    data = bytearray()
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        assert chunk, f"connection closed after {len(data)} of {count} bytes"
        data += chunk
    return bytes(data)


def check_raw_echo_and_half_close():
    server = Server("--codec", "raw")
    try:
        payload = os.urandom(4 * 1024 * 1024)
        sock = server.connect()
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)  # peer EOF: every pending echo must still arrive
        echoed = read_until_eof(sock)  # a reset would raise ConnectionResetError here
        assert echoed == payload, f"echoed {len(echoed)} bytes, expected {len(payload)}"
        sock.close()
    finally:
        assert server.stop() == 0, "server exit status was not 0"


def check_sigterm_with_open_connections():
    server = Server("--codec", "raw")
    socks = [server.connect() for _ in range(20)]
    for sock in socks:
        sock.sendall(b"ping")
        assert recv_exactly(sock, 4) == b"ping"
    started = time.monotonic()
    status = server.stop()
    assert status == 0, f"exit status {status}"
    assert time.monotonic() - started < 5
    for sock in socks:
        assert read_until_eof(sock) == b"", "open connection got data after shutdown"
        sock.close()


def check_many_connections_interleaved():
    server = Server("--codec", "raw", "--loops", "2")
    try:
        socks = [server.connect() for _ in range(50)]
        for round_number in range(20):
            for index, sock in enumerate(socks):
                sock.sendall(struct.pack(">II", index, round_number))
            for index, sock in enumerate(socks):
                assert recv_exactly(sock, 8) == struct.pack(">II", index, round_number)
        for sock in socks:
            sock.close()
    finally:
        assert server.stop() == 0


CHECKS = [
    check_raw_echo_and_half_close,
    check_sigterm_with_open_connections,
    check_many_connections_interleaved,
]


def main():
    passed = failed = 0
    for check in CHECKS:
        try:
            check()
            passed += 1
            print(f"ok   {check.__name__}")
        except Exception as error:  # report every failing check, then fail the run
            failed += 1
            print(f"FAIL {check.__name__}: {error!r}")
    print(f"interop: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
