"""A loopback server that misbehaves on purpose, and a canary that must never be reached.

Routes are callables that write the raw response themselves, so a test can trickle, stall,
send endless or compressed bodies, loop redirects or flood headers.
"""

from __future__ import annotations

import gzip
import socket
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Behaviour = Callable[[BaseHTTPRequestHandler, "HostileServer"], None]


class HostileServer:
    def __init__(self, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Behaviour] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.stopping = threading.Event()
        self._tls = tls
        self._host = host
        self._server: ThreadingHTTPServer | None = None

    # -- addresses --------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def endpoint(self) -> str:
        return f"{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{'https' if self._tls else 'http'}://{self.endpoint}"

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- behaviours -------------------------------------------------------------------------
    def on(self, path: str, behaviour: Behaviour) -> str:
        self.routes[path] = behaviour
        return self.url(path)

    def serve(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "application/rss+xml",
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body

        def behaviour(handler: BaseHTTPRequestHandler, server: HostileServer) -> None:
            send(handler, status, data, {"Content-Type": content_type, **(headers or {})})

        return self.on(path, behaviour)

    # -- lifecycle --------------------------------------------------------------------------
    def start(self) -> HostileServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                behaviour = server.routes.get(self.path)
                try:
                    if behaviour is None:
                        send(self, 404, b"", {})
                    else:
                        behaviour(self, server)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                    pass
                self.close_connection = True

        self._server = ThreadingHTTPServer((self._host, 0), Handler)
        self._server.daemon_threads = True
        if self._tls is not None:
            self._server.socket = self._tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]):
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    if "Content-Length" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    if body:
        handler.wfile.write(body)


def redirect(location: str, status: int = 302) -> Behaviour:
    def behaviour(handler, server) -> None:
        send(handler, status, b"", {"Location": location})

    return behaviour


def trickle(interval_s: float = 1.0, total: int = 10_000) -> Behaviour:
    """Headers at once, then one byte every ``interval_s``: per-read timeouts never fire."""

    def behaviour(handler, server) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        for _ in range(total):
            if server.stopping.wait(interval_s):
                return
            handler.wfile.write(b"<")
            handler.wfile.flush()

    return behaviour


def silent(max_s: float = 60.0) -> Behaviour:
    """Read the request, then never answer."""

    def behaviour(handler, server) -> None:
        server.stopping.wait(max_s)

    return behaviour


def endless(chunk: bytes = b"<!-- x -->" * 6553) -> Behaviour:
    """A 200 whose body never ends (claims 2 GB)."""

    def behaviour(handler, server) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(2 * 1024**3))
        handler.end_headers()
        deadline = time.monotonic() + 60
        while not server.stopping.is_set() and time.monotonic() < deadline:
            handler.wfile.write(chunk)

    return behaviour


def endless_headers(line: bytes = b"X-Flood: " + b"y" * 100 + b"\r\n") -> Behaviour:
    """A status line, then header lines that never end."""

    def behaviour(handler, server) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        deadline = time.monotonic() + 60
        while not server.stopping.is_set() and time.monotonic() < deadline:
            handler.wfile.write(line * 1000)

    return behaviour


def gzip_bomb(inflated_bytes: int) -> Behaviour:
    """A small gzip body that inflates to ``inflated_bytes`` of zeros."""
    compressor_input = b"\0" * (1024 * 1024)
    out = bytearray()
    with gzip.GzipFile(fileobj=_Sink(out), mode="wb", compresslevel=9) as zipped:
        for _ in range(inflated_bytes // len(compressor_input)):
            zipped.write(compressor_input)
    body = bytes(out)

    def behaviour(handler, server) -> None:
        send(
            handler, 200, body, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
        )

    return behaviour


class _Sink:
    def __init__(self, out: bytearray) -> None:
        self.out = out

    def write(self, data: bytes) -> int:
        self.out.extend(data)
        return len(data)

    def flush(self) -> None:
        pass


class Canary:
    """A listening socket that counts every connection made to it; tests assert it stays 0."""

    def __init__(self) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.connections = 0
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.endpoint}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._socket.close()
