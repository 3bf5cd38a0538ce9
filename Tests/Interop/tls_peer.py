#!/usr/bin/env python3
"""A TLS peer not written in Swift, driven by Eddy's TLS tests: Python's ssl module.

server: listens on 127.0.0.1, prints "port N", serves one connection, then exits.
client: connects to 127.0.0.1:PORT and runs one exchange.
Each prints one line per fact ("alpn h2", "version TLSv1.3", "echoed 5", "closed clean") and
"error Type: message" when something fails (then exits with status 1). Every wait has a timeout.
"""
import argparse
import socket
import ssl
import sys

TIMEOUT = 10


def say(*parts):
    print(*parts, flush=True)


def context(args, side):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if side == "server" else ssl.PROTOCOL_TLS_CLIENT)
    if args.tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if args.alpn:
        ctx.set_alpn_protocols(args.alpn.split(","))
    if side == "server":
        ctx.load_cert_chain(args.cert, args.key)
        if args.ca:
            ctx.load_verify_locations(args.ca)
            ctx.verify_mode = ssl.CERT_REQUIRED
    else:
        if args.insecure:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        else:
            ctx.load_verify_locations(args.ca)
        if args.cert:
            ctx.load_cert_chain(args.cert, args.key)
    return ctx


def report_session(ssock):
    say("version", ssock.version())
    say("alpn", ssock.selected_alpn_protocol() or "-")


def recv_exactly(ssock, count):
    data = bytearray()
    while len(data) < count:
        chunk = ssock.recv(min(65536, count - len(data)))
        if not chunk:
            raise EOFError(f"closed after {len(data)} of {count} bytes")
        data += chunk
    return bytes(data)


def finish(ssock, how):
    if how == "unwrap":  # send close_notify and wait for the peer's
        ssock.unwrap()
        say("closed clean")
    elif how == "vanish":  # leave without close_notify
        ssock.shutdown(socket.SHUT_RDWR)
        ssock.close()
        say("vanished")
    elif how == "wait":  # the peer closes: its close_notify must come (ragged EOFs raise)
        rest = b""
        while True:
            chunk = ssock.recv(65536)
            if not chunk:
                break
            rest += chunk
        if rest:
            say("received", rest.decode(errors="replace"))
        say("peer closed clean")
        ssock.unwrap()
    elif how == "stall":  # stop reading, keep the connection open until the peer gives up
        ssock.settimeout(TIMEOUT)
        try:
            ssock.recv(1)
        except (OSError, ssl.SSLError) as error:
            say("stall ended", type(error).__name__)
        else:
            say("stall ended")


def serve(args):
    ctx = context(args, "server")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        say("port", listener.getsockname()[1])
        listener.settimeout(TIMEOUT)
        raw, _ = listener.accept()
        raw.settimeout(TIMEOUT)
        with ctx.wrap_socket(raw, server_side=True, suppress_ragged_eofs=False) as ssock:
            report_session(ssock)
            total = 0
            while True:  # echo until the client's close_notify
                chunk = ssock.recv(65536)
                if not chunk:
                    break
                ssock.sendall(chunk)
                total += len(chunk)
            say("echoed", total)
            ssock.unwrap()
            say("closed clean")


def connect(args):
    ctx = context(args, "client")
    raw = socket.create_connection(("127.0.0.1", args.port), timeout=TIMEOUT)
    ssock = ctx.wrap_socket(raw, server_hostname=args.server_name, suppress_ragged_eofs=False)
    report_session(ssock)
    payload = args.send.encode()
    if payload:
        ssock.sendall(payload)
        if args.expect_echo:
            assert recv_exactly(ssock, len(payload)) == payload
            say("echoed", len(payload))
    finish(ssock, args.close)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["server", "client"])
    parser.add_argument("--port", type=int)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--ca")
    parser.add_argument("--insecure", action="store_true")
    parser.add_argument("--server-name")
    parser.add_argument("--alpn")
    parser.add_argument("--tls12", action="store_true")
    parser.add_argument("--send", default="")
    parser.add_argument("--expect-echo", action="store_true")
    parser.add_argument("--close", default="unwrap", choices=["unwrap", "vanish", "wait", "stall"])
    args = parser.parse_args()
    try:
        serve(args) if args.role == "server" else connect(args)
    except Exception as error:  # the test reads the failure from the output
        say("error", f"{type(error).__name__}: {error}")
        sys.exit(1)


if __name__ == "__main__":
    main()
