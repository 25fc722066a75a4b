"""A local fake of Slack's Socket Mode WebSocket endpoint (stdlib only: handshake + frames).

`FakeSlack.socket_url` points `apps.connections.open` here. The app's Socket Mode client
connects; the test pushes envelopes (`send_envelope`) as Slack would and waits for the app's
acknowledgements (`wait_ack`), which are recorded with a Condition. Pings are answered.

Cutting the link, as networks do (`/readyz` must notice, and the app must come back):
    drop()          close the current connection abruptly (no WebSocket close frame)
    go_silent()     keep the connection open but answer nothing, pings included (a dead path)
    refuse(True)    close new connections before the handshake until `refuse(False)`
`connections` counts the connections that completed a handshake; `wait_connections(n)` waits.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
from typing import Any

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _frame(opcode: int, payload: bytes) -> bytes:
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        head += bytes([len(payload)])
    elif len(payload) < 1 << 16:
        head += bytes([126]) + struct.pack("!H", len(payload))
    else:
        head += bytes([127]) + struct.pack("!Q", len(payload))
    return head + payload


class FakeSocketMode:
    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._conn: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._cond = threading.Condition()
        self.acks: list[dict[str, Any]] = []
        self.connected = threading.Event()
        self.connections = 0
        self._closing = False
        self._refusing = False
        self._silent = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=fake"

    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def hang_up(self) -> None:
        """Close the client's connection from Slack's side (its blocked read returns at once)."""
        self._closing = True
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.shutdown(socket.SHUT_RDWR)
                self._conn.close()

    def __exit__(self, *exc: object) -> None:
        self.hang_up()
        self._listener.close()

    def drop(self) -> None:
        """Close the current connection without a close frame; later connections are served."""
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()

    def go_silent(self) -> None:
        """Answer nothing more on the current connection (pings go unanswered)."""
        self._silent = True

    def refuse(self, refusing: bool) -> None:
        self._refusing = refusing

    def wait_connections(self, count: int, timeout: float = 30.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self.connections >= count, timeout=timeout):
                raise TimeoutError(f"{self.connections} connections, waited for {count}")

    def _accept(self) -> None:
        while not self._closing:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            if self._refusing:
                with contextlib.suppress(OSError):
                    conn.close()
                continue
            try:
                self._handshake(conn)
                self._conn, self._silent = conn, False
                self._send(TEXT, json.dumps({"type": "hello", "num_connections": 1}).encode())
                with self._cond:
                    self.connections += 1
                    self._cond.notify_all()
                self.connected.set()
                self._read(conn)
            except OSError:
                pass  # this connection broke; serve the next one
            finally:
                with contextlib.suppress(OSError):
                    conn.close()

    def _handshake(self, conn: socket.socket) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(1024)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            request += chunk
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(":") for line in request.decode().split("\r\n")[1:])
            if k
        }
        accept = base64.b64encode(
            hashlib.sha1(headers["sec-websocket-key"].encode() + _GUID).digest()  # noqa: S324
        ).decode()
        conn.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
        )

    def _read(self, conn: socket.socket) -> None:
        while True:
            try:
                b1, b2 = _recv_exact(conn, 2)
            except (ConnectionError, OSError):
                return
            opcode, length = b1 & 0x0F, b2 & 0x7F
            if length == 126:
                length = struct.unpack("!H", _recv_exact(conn, 2))[0]
            elif length == 127:
                length = struct.unpack("!Q", _recv_exact(conn, 8))[0]
            mask = _recv_exact(conn, 4) if b2 & 0x80 else b"\0\0\0\0"
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(_recv_exact(conn, length)))
            if self._silent:
                continue
            if opcode == PING:
                self._send(PONG, data)
            elif opcode == CLOSE:  # answer the close handshake and hang up, as Slack does
                with contextlib.suppress(OSError):
                    self._send(CLOSE, data[:2])
                    conn.shutdown(socket.SHUT_RDWR)
                return
            elif opcode == TEXT:
                with self._cond:
                    self.acks.append(json.loads(data))
                    self._cond.notify_all()

    def _send(self, opcode: int, payload: bytes) -> None:
        assert self._conn is not None
        with self._send_lock:
            self._conn.sendall(_frame(opcode, payload))

    def send_envelope(self, envelope: dict[str, Any]) -> None:
        if not self.connected.wait(timeout=10):
            raise TimeoutError("no Socket Mode client connected")
        self._send(TEXT, json.dumps(envelope).encode())

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            return next((a for a in self.acks if a.get("envelope_id") == envelope_id), None)

        with self._cond:
            if not self._cond.wait_for(lambda: found() is not None, timeout=timeout):
                raise TimeoutError(f"no ack for envelope {envelope_id}; got {self.acks}")
            ack = found()
            assert ack is not None
            return ack
