#!/usr/bin/env python3
"""Drives Eddy's echo-server with Python's standard library, a peer not written in Swift.

Usage: echo_interop.py PATH/TO/echo-server [PATH/TO/loadgen]
Each check starts a fresh server, talks to it over loopback, and stops it by its PID.
"""
import os
import signal
import ssl
import tempfile
import socket
import struct
import subprocess
import sys
import time
import zlib

SERVER = sys.argv[1]
LOADGEN = sys.argv[2] if len(sys.argv) > 2 else None
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


class Framing:
    """Encodes and decodes one codec stack the way a peer would, with Python's own zlib."""

    def __init__(self, stack):
        self.layers = stack.split(",")
        self.compress = zlib.compressobj() if "zlib" in self.layers else None
        self.decompress = zlib.decompressobj() if "zlib" in self.layers else None
        self.pending = b""

    def encode(self, messages):
        out = b""
        for message in messages:
            if "line" in self.layers:
                out += message + b"\n"
            elif "length-prefix" in self.layers:
                out += struct.pack(">I", len(message)) + message
            else:
                out += message
        if self.compress:
            out = self.compress.compress(out) + self.compress.flush(zlib.Z_SYNC_FLUSH)
        return out

    def decode(self, data):
        """Returns the whole messages that `data` completes."""
        if self.decompress:
            data = self.decompress.decompress(data)
        self.pending += data
        messages = []
        while True:
            if "line" in self.layers:
                end = self.pending.find(b"\n")
                if end < 0:
                    return messages
                messages.append(self.pending[:end])
                self.pending = self.pending[end + 1:]
            elif "length-prefix" in self.layers:
                if len(self.pending) < 4:
                    return messages
                (length,) = struct.unpack(">I", self.pending[:4])
                if len(self.pending) < 4 + length:
                    return messages
                messages.append(self.pending[4:4 + length])
                self.pending = self.pending[4 + length:]
            else:
                messages.append(self.pending)
                self.pending = b""
                return [m for m in messages if m]


def exchange(sock, framing, messages, expected_count=None):
    """Sends `messages` and reads until as many come back (or the peer closes)."""
    sock.sendall(framing.encode(messages))
    wanted = len(messages) if expected_count is None else expected_count
    received = []
    while len(received) < wanted:
        data = sock.recv(65536)
        if not data:
            break
        received += framing.decode(data)
    return received


def check_every_stack_round_trips():
    for stack in ["line", "length-prefix", "zlib,line", "zlib,length-prefix"]:
        server = Server("--codec", stack)
        try:
            sock = server.connect()
            framing = Framing(stack)
            messages = [b"hello", b"x" * 70000 if "length" in stack else b"y" * 60000, b"last"]
            if "length" in stack:
                messages.insert(1, b"")  # zero-length frames are valid
            echoed = exchange(sock, framing, messages)
            assert echoed == messages, f"{stack}: echoed {[len(m) for m in echoed]}"
            if stack.endswith("line"):
                assert exchange(sock, framing, [b"crlf\r"]) == [b"crlf"], f"{stack}: \\r not stripped"
            sock.shutdown(socket.SHUT_WR)
            assert read_until_eof(sock) == b"" or "zlib" in stack
            sock.close()
        finally:
            assert server.stop() == 0, f"{stack}: exit status"


def check_stacks_with_parameters_round_trip():
    """Stacks with keys, framed here with Python's struct and zlib as the contract describes them."""
    def gzip_line():
        compress = zlib.compressobj(1, zlib.DEFLATED, 31)
        decompress = zlib.decompressobj(31)
        return (lambda ms: compress.compress(b"".join(m + b"\n" for m in ms)) + compress.flush(zlib.Z_SYNC_FLUSH),
                lambda data: decompress.decompress(data), b"\n")
    cases = {
        "line:delimiter=crlf": (lambda ms: b"".join(m + b"\r\n" for m in ms), lambda data: data, b"\r\n"),
        "line:delimiter=0x7c7c": (lambda ms: b"".join(m + b"||" for m in ms), lambda data: data, b"||"),
        "zlib:format=gzip:level=1,line": gzip_line(),
        "length-prefix:width=2:endian=little": (
            lambda ms: b"".join(struct.pack("<H", len(m)) + m for m in ms), lambda data: data, None),
    }
    for stack, (encode, inflate, delimiter) in cases.items():
        server = Server("--codec", stack)
        try:
            sock = server.connect()
            messages = [b"hello", b"with\ra carriage return" if delimiter != b"\n" else b"plain", b"z" * 3000]
            sock.sendall(encode(messages))
            pending, received = b"", []
            while len(received) < len(messages):
                data = sock.recv(65536)
                assert data, f"{stack}: the server closed early"
                pending += inflate(data)
                while True:
                    if delimiter is not None:
                        end = pending.find(delimiter)
                        if end < 0:
                            break
                        received.append(pending[:end])
                        pending = pending[end + len(delimiter):]
                    else:
                        if len(pending) < 2 or len(pending) < 2 + struct.unpack("<H", pending[:2])[0]:
                            break
                        length = struct.unpack("<H", pending[:2])[0]
                        received.append(pending[2:2 + length])
                        pending = pending[2 + length:]
            assert received == messages, f"{stack}: echoed {received!r}"
            sock.close()
        finally:
            assert server.stop() == 0, f"{stack}: exit status"


def check_zlib_stream_round_trips():
    server = Server("--codec", "zlib")
    try:
        sock = server.connect()
        framing = Framing("zlib")
        payload = bytes(range(256)) * 4096
        sock.sendall(framing.encode([payload]))
        got = b""
        while len(got) < len(payload):
            got += b"".join(framing.decode(sock.recv(65536)))
        assert got == payload
        sock.close()
    finally:
        assert server.stop() == 0


def check_bad_input_closes_only_that_connection(stack, args, bad_bytes, name):
    server = Server("--codec", stack, *args)
    try:
        good = server.connect()
        framing = Framing(stack)
        assert exchange(good, framing, [b"before"]) == [b"before"]
        bad = server.connect()
        bad.sendall(bad_bytes(Framing(stack)))
        try:
            rest = read_until_eof(bad)
        except ConnectionResetError:
            rest = b""
        assert len(rest) < 1024, f"{name}: got {len(rest)} bytes back"
        assert exchange(good, framing, [b"after"]) == [b"after"], f"{name}: other connection hurt"
        good.close()
    finally:
        assert server.stop() == 0
    errors = server.proc.stderr.read()
    assert errors.count("\n") == 1 and "closed" in errors, f"{name}: stderr was {errors!r}"


def check_hostile_input():
    check_bad_input_closes_only_that_connection(
        "line", [], lambda f: b"z" * (64 * 1024 + 2), "line over 64 KiB (and not a CR before LF)")
    check_bad_input_closes_only_that_connection(
        "length-prefix", ["--max-frame", "1024"], lambda f: struct.pack(">I", 1025), "header over --max-frame")
    check_bad_input_closes_only_that_connection(
        "zlib,line", [], lambda f: b"\x78\x9c" + b"\xff" * 64, "corrupt deflate data")
    check_bad_input_closes_only_that_connection(
        "zlib,line", [], lambda f: f.encode([b"\0" * (100 * 1024 * 1024)])[:-1], "zlib bomb of one huge line")


def check_frame_of_exactly_max_is_accepted():
    server = Server("--codec", "length-prefix", "--max-frame", "1024")
    try:
        sock = server.connect()
        framing = Framing("length-prefix")
        assert exchange(sock, framing, [b"m" * 1024]) == [b"m" * 1024]
        sock.close()
    finally:
        assert server.stop() == 0


def server_rss_kib(server):
    with open(f"/proc/{server.proc.pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def check_peer_that_never_reads_gets_backpressure():
    server = Server("--codec", "raw")
    try:
        sock = server.connect()
        sock.setblocking(False)
        chunk = b"b" * 65536
        sent = 0
        stalled_since = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and sent < 512 * 1024 * 1024:
            try:
                sent += sock.send(chunk)
                stalled_since = None
            except BlockingIOError:
                stalled_since = stalled_since or time.monotonic()
                if time.monotonic() - stalled_since > 1.0:
                    break
                time.sleep(0.01)
        assert stalled_since is not None, f"the server kept reading {sent} bytes from a peer that never reads"
        assert sent < 128 * 1024 * 1024, f"{sent} bytes accepted before the server stopped reading"
        rss = server_rss_kib(server)
        assert rss < 64 * 1024, f"server RSS {rss} KiB while a peer does not read"
        sock.close()
    finally:
        assert server.stop() == 0


def check_tls_under_every_stack():
    certs = tempfile.mkdtemp(prefix="eddy-certs-")
    subprocess.run(["sh", os.path.join(os.path.dirname(__file__), "make_tls_certs.sh"), certs], check=True)
    context = ssl.create_default_context(cafile=os.path.join(certs, "ca.pem"))
    for stack in ["raw", "zlib,line", "length-prefix"]:
        server = Server("--codec", stack, "--tls-cert", os.path.join(certs, "server.pem"),
                        "--tls-key", os.path.join(certs, "server.key"))
        try:
            plain = server.connect()
            sock = context.wrap_socket(plain, server_hostname="localhost")
            framing = Framing(stack if stack != "raw" else "raw")
            if stack == "raw":
                sock.sendall(b"secret" * 1000)
                got = b""
                while len(got) < 6000:
                    got += sock.recv(65536)
                assert got == b"secret" * 1000
            else:
                messages = [b"over tls %d" % index for index in range(100)]
                assert exchange(sock, framing, messages) == messages, f"tls {stack}"
            if "zlib" not in stack:
                sock.unwrap().close()  # close_notify both ways
            else:
                sock.close()  # the zlib layer writes its stream trailer on close, after the peer's close_notify
        finally:
            assert server.stop() == 0


def check_loadgen_over_tls():
    if LOADGEN is None:
        return
    certs = tempfile.mkdtemp(prefix="eddy-certs-")
    subprocess.run(["sh", os.path.join(os.path.dirname(__file__), "make_tls_certs.sh"), certs], check=True)
    server = Server("--codec", "zlib,line", "--tls-cert", os.path.join(certs, "server.pem"),
                    "--tls-key", os.path.join(certs, "server.key"))
    try:
        common = [LOADGEN, str(server.port), "--codec", "zlib,line", "--connections", "4", "--loops", "1",
                  "--tls", "--tls-server-name", "localhost", "--quiet"]
        good = subprocess.run(common + ["--tls-ca", os.path.join(certs, "ca.pem"), "--requests", "2000",
                                        "--verify", "--json"], capture_output=True, text=True, timeout=60)
        assert good.returncode == 0, f"loadgen --tls failed: {good.stderr}"
        report = good.stdout.strip().splitlines()[-1]
        assert '"sent":2000' in report and '"received":2000' in report, report
        rogue = subprocess.run(common + ["--tls-ca", os.path.join(certs, "rogue-ca.pem"), "--duration", "1"],
                               capture_output=True, text=True, timeout=60)
        assert rogue.returncode != 0 and "verification failed" in rogue.stderr, rogue.stderr
    finally:
        assert server.stop() == 0
    # A tls layer named first in --codec means what --tls (and --tls-cert) mean.
    server = Server("--codec", "tls,zlib,line", "--tls-cert", os.path.join(certs, "server.pem"),
                    "--tls-key", os.path.join(certs, "server.key"))
    try:
        named = subprocess.run([LOADGEN, str(server.port), "--codec", "tls,zlib,line", "--connections", "2",
                                "--tls-server-name", "localhost", "--tls-ca", os.path.join(certs, "ca.pem"),
                                "--requests", "500", "--verify", "--json", "--quiet"],
                               capture_output=True, text=True, timeout=60)
        assert named.returncode == 0, f"loadgen --codec tls,zlib,line failed: {named.stderr}"
        assert '"received":500' in named.stdout.strip().splitlines()[-1], named.stdout
    finally:
        assert server.stop() == 0


def check_async_echo_on_every_stack():
    for stack in ["raw", "line", "length-prefix", "zlib,line"]:
        server = Server("--codec", stack, "--async")
        try:
            sock = server.connect()
            framing = Framing(stack)
            if stack == "raw":
                payload = os.urandom(1024 * 1024)
                sock.sendall(payload)
                sock.shutdown(socket.SHUT_WR)
                assert read_until_eof(sock) == payload, "async raw echo"
            else:
                messages = [b"async %d" % index for index in range(200)]
                assert exchange(sock, framing, messages) == messages, f"async {stack}"
            sock.close()
        finally:
            assert server.stop() == 0, f"async {stack}: exit status"


CHECKS = [
    check_async_echo_on_every_stack,
    check_loadgen_over_tls,
    check_tls_under_every_stack,
    check_every_stack_round_trips,
    check_stacks_with_parameters_round_trip,
    check_zlib_stream_round_trips,
    check_hostile_input,
    check_frame_of_exactly_max_is_accepted,
    check_peer_that_never_reads_gets_backpressure,
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
