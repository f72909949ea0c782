"""A local HTTP server for live-listening tests: each request goes to a Python function that answers it.

Why a real socket and not ``httpx.MockTransport``: the connectors must work over real HTTP (headers,
streamed bodies for server-sent events, connections closed mid-stream); this server replays recorded
bodies the way the network would send them, on 127.0.0.1 only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)


Answer = Callable[[Seen], Reply]


@dataclass
class ReplayServer:
    url: str
    seen: list[Seen]


@contextmanager
def replay_server(answer: Answer) -> Iterator[ReplayServer]:
    """Serve ``answer`` on a free local port until the block ends."""
    seen: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            request = Seen(
                "GET", parts.path, dict(parse_qsl(parts.query)), {k.lower(): v for k, v in self.headers.items()}
            )
            seen.append(request)
            reply = answer(request)
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            if isinstance(reply.body, bytes):
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
                return
            self.send_header("Connection", "close")  # a stream: its end is the connection's end
            self.end_headers()
            self.close_connection = True
            try:
                for chunk in reply.body:
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return  # the client hung up mid-stream, as a stopping listener does

        def log_message(self, format: str, *args: object) -> None:
            return  # keep test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ReplayServer(f"http://127.0.0.1:{server.server_address[1]}", seen)
    finally:
        server.shutdown()
        server.server_close()
