#!/usr/bin/env python3
"""A plain asyncio echo server, a peer not written with Eddy, for checking loadgen's counts.

Prints `listening on 127.0.0.1:PORT` once it accepts connections. On SIGTERM or SIGINT it
prints `received BYTES bytes, CONNECTIONS connections` and exits with status 0.
"""
import asyncio
import signal
import sys


class Echo(asyncio.Protocol):
    received = 0
    connections = 0

    def connection_made(self, transport):
        self.transport = transport
        Echo.connections += 1

    def data_received(self, data):
        Echo.received += len(data)
        self.transport.write(data)

    def pause_writing(self):
        self.transport.pause_reading()

    def resume_writing(self):
        self.transport.resume_reading()


async def main(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", port)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    print(f"listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    await stop
    server.close()
    print(f"received {Echo.received} bytes, {Echo.connections} connections", flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
