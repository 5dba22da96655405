"""A TCP proxy on loopback that delays every byte by half the round trip, each way.

Staging is reached over the internet (10-80 ms round trip); on one machine the harness would
never see that, so the DSN tests and benchmarks/remote.py put this proxy between the harness and
the server (or between the load generator and the API). Latency, not bandwidth: each chunk read
is written to the other side `delay` seconds after it arrived, in order, with no other pacing
(the way netem's delay behaves), so a client that sends its statements one after another pays
one round trip each and a pipelining client pays one for all.

    with LatencyProxy(target_port, rtt_ms=50) as proxy:   # proxy.port listens on 127.0.0.1
        ...

or, as its own process: python -m tests.latency_proxy TARGET_PORT RTT_MS [LISTEN_PORT]
"""

from __future__ import annotations

import asyncio
import sys
import threading


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float, count=None) -> None:
    loop = asyncio.get_running_loop()

    def deliver(chunk: bytes) -> None:
        if writer.is_closing():
            return
        if chunk:
            writer.write(chunk)
        else:
            writer.close()

    try:
        while True:
            chunk = await reader.read(65536)
            if count is not None:
                count()
            loop.call_later(delay, deliver, chunk)  # call_later keeps arrival order for equal delays
            if not chunk:
                return
    except (ConnectionError, OSError):
        loop.call_later(delay, deliver, b"")


class LatencyProxy:
    """Listens on 127.0.0.1:`port` (0 = any free one) and forwards to 127.0.0.1:`target_port`,
    adding `rtt_ms` to every round trip; runs its own event loop in a daemon thread. ``messages``
    counts what the clients sent (one read each): an upper bound of the round trips they made."""

    def __init__(self, target_port: int, rtt_ms: float, port: int = 0):
        self.target_port, self.delay, self.port = target_port, rtt_ms / 2000.0, port
        self.messages = 0  # reads from the clients: each one that waits for an answer is a round trip
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"latency-proxy-{rtt_ms}ms")

    async def _handle(self, client_r, client_w):
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.close()
            return
        try:
            await asyncio.gather(_pipe(client_r, server_w, self.delay, self._count),
                                 _pipe(server_r, client_w, self.delay))
        except asyncio.CancelledError:  # the proxy stops: close both ends
            client_w.close()
            server_w.close()

    def _count(self) -> None:
        self.messages += 1

    def _run(self):
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        pending = asyncio.all_tasks(self._loop)  # connections still open: closed, not abandoned
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()

    def start(self) -> LatencyProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def __enter__(self) -> LatencyProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str]) -> None:
    target, rtt = int(argv[0]), float(argv[1])
    proxy = LatencyProxy(target, rtt, int(argv[2]) if len(argv) > 2 else 0).start()
    print(proxy.port, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        proxy.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
