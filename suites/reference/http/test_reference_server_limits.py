"""The reference server bounds what a slow client can hold: a connection that has not sent a
complete request head within the header timeout is closed, and a body that does not arrive
within the body timeout is answered 408 — tried with slow sockets over loopback (a probe held
60 such sockets open forever before).  Both limits are shortened here so the test is quick;
every wait is bounded."""
from __future__ import annotations

import asyncio
import contextlib

import pytest

from harness.sut.auth import mint

pytestmark = pytest.mark.api

SHORT = 0.5


@pytest.fixture
def short_server(lens_settings, lens_database):
    if lens_settings.api_url:
        pytest.skip("server read limits are a property of the in-process reference server")
    from harness.sut.api import create_app
    from harness.sut.server import serve_in_thread

    app = create_app(lens_database.dsn, jwt_secret=lens_settings.jwt_secret, variant=lens_settings.sut,
                     body_timeout=SHORT, pool_size=2)
    base_url, stop = serve_in_thread(app, header_timeout=SHORT)
    yield base_url.rsplit(":", 1)[1]
    stop()


async def _closed_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    """True when the server closes the connection within ``seconds``: EOF, or a reset (the
    server may close while the client is still trickling bytes; the client's next write then
    draws an RST, and a reset socket is as closed as one that saw EOF)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            try:
                while await reader.read(1024):
                    pass
            except ConnectionError:
                pass
            return True
    return False


async def test_slow_request_heads_are_cut_off(short_server):
    port = int(short_server)
    conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(8)]
    try:
        for _, writer in conns:   # a slowloris: part of a head, then one byte at a time
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        for _ in range(3):
            await asyncio.sleep(SHORT / 3)
            for _, writer in conns:
                if not writer.is_closing():
                    writer.write(b"X")
        closed = await asyncio.gather(*(_closed_within(reader, SHORT * 8) for reader, _ in conns))
        assert all(closed), f"{closed.count(False)} of {len(closed)} slow sockets still open"
    finally:
        for _, writer in conns:
            writer.close()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)   # a prompt client still works
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    async with asyncio.timeout(10):
        assert (await reader.read()).startswith(b"HTTP/1.1 200")
    writer.close()


async def test_slow_bodies_are_408(short_server, lens_settings, ship):
    reader, writer = await asyncio.open_connection("127.0.0.1", int(short_server))
    token = mint(ship.crew, secret=lens_settings.jwt_secret)
    writer.write(b"POST /v1/actions/consume_part HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 100\r\nAuthorization: Bearer " + token.encode() + b"\r\n\r\n{")
    try:
        async with asyncio.timeout(SHORT * 10):
            head = await reader.readuntil(b"\r\n\r\n")
            body = await reader.read(4096)
    finally:
        writer.close()
    assert head.startswith(b"HTTP/1.1 408"), head
    assert b'"request_timeout"' in body
