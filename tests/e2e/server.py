"""A real ``kith serve`` process on a seeded SQLite database, and signed-in HTTP clients for it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from kith.auth.models import Role
from kith.auth.service import do_create_user
from kith.db import make_engine, session_scope
from kith.schema import upgrade

PASSWORD = "correct horse battery staple"
USERS = {
    "admin": ("admin@test.example", Role.ADMIN, None),
    "agent": ("agent@test.example", Role.AGENT, None),
    "analyst": ("analyst@test.example", Role.ANALYST, None),
    "service": ("service@test.example", Role.DEPARTMENT, "service"),
    "sales": ("sales@test.example", Role.DEPARTMENT, "sales"),
    "readonly": ("viewer@test.example", Role.READONLY, None),
}


@dataclass
class Server:
    base: str
    db_url: str
    proc: subprocess.Popen[bytes]

    @contextmanager
    def client(self, who: str | None = None) -> Iterator[httpx.Client]:
        """An HTTP client (signed in as one of USERS when ``who`` is given), closed afterwards."""
        with httpx.Client(base_url=self.base, follow_redirects=False, timeout=30) as client:
            if who is not None:
                sign_in(client, USERS[who][0], PASSWORD)
            yield client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    page = client.get("/login")
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)})
    assert response.status_code == 303, response.text[:500]
    return response


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_users(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        for email, role, department in USERS.values():
            do_create_user(session, email, email.split("@")[0].title(), PASSWORD, role, department)
    engine.dispose()


@contextmanager
def running_server(db_path: Path) -> Iterator[Server]:
    url = f"sqlite:///{db_path}"
    port = free_port()
    env = {**os.environ, "KITH_DATABASE_URL": url, "KITH_SECRET_FILE": str(db_path.with_suffix(".secret"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kith", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            proc.kill()
            raise RuntimeError(f"kith serve did not start: {proc.stderr.read().decode() if proc.stderr else ''}")
        yield Server(base, url, proc)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
