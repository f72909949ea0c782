"""A tiny IMAP4rev1 server for tests: LOGIN, SELECT/EXAMINE, UID SEARCH, UID FETCH, LOGOUT over plain TCP.

Why write one: the IMAP poller must be tested against the protocol as ``imaplib`` speaks it (tags,
untagged responses, literals, the ``n:*`` quirk that always returns the highest UID), and no IMAP server
can be installed here. It serves one mailbox whose messages and UIDVALIDITY a test can change between
polls, and records the commands it received.
"""

from __future__ import annotations

import re
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Mailbox:
    uidvalidity: int
    messages: list[tuple[int, bytes]]  # (uid, RFC 822 bytes), ascending uid
    user: str = "support@example.com"
    password: str = "mail-secret"
    commands: list[str] = field(default_factory=list)
    seen_flag_set: bool = False  # a FETCH of BODY[] / RFC822 (without PEEK) would mark mail as read


@dataclass
class ImapServer:
    host: str
    port: int
    mailbox: Mailbox


def _uid_set(spec: str, uids: list[int]) -> list[int]:
    highest = max(uids, default=0)
    chosen: set[int] = set()
    for part in spec.split(","):
        low, _, high = part.partition(":")
        start = highest if low == "*" else int(low)
        end = start if not high else (highest if high == "*" else int(high))
        start, end = min(start, end), max(start, end)
        chosen |= {u for u in uids if start <= u <= end}
    return sorted(chosen)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        box = self.server.mailbox
        self.send("* OK [CAPABILITY IMAP4rev1] kith test IMAP ready")
        selected = False
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode().rstrip("\r\n")
            tag, _, rest = line.partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            box.commands.append(f"{command} {args}".strip() if command != "LOGIN" else "LOGIN")
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1")
                self.send(f"{tag} OK CAPABILITY completed")
            elif command == "LOGIN":
                user, _, password = args.partition(" ")
                if user.strip('"') == box.user and password.strip('"') == box.password:
                    self.send(f"{tag} OK LOGIN completed")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
            elif command in ("SELECT", "EXAMINE"):
                selected = args.strip('"').upper() == "INBOX"
                if not selected:
                    self.send(f"{tag} NO Mailbox does not exist")
                    continue
                self.send(f"* {len(box.messages)} EXISTS")
                self.send(f"* OK [UIDVALIDITY {box.uidvalidity}] UIDs valid")
                self.send(f"* OK [UIDNEXT {max((u for u, _ in box.messages), default=0) + 1}] Predicted next UID")
                self.send(f"{tag} OK [READ-ONLY] {command} completed")
            elif command == "UID" and selected:
                self.uid_command(tag, args, box)
            elif command == "LOGOUT":
                self.send("* BYE logging out")
                self.send(f"{tag} OK LOGOUT completed")
                return
            else:
                self.send(f"{tag} BAD unsupported command")

    def uid_command(self, tag: str, args: str, box: Mailbox) -> None:
        sub, _, rest = args.partition(" ")
        uids = [u for u, _ in box.messages]
        if sub.upper() == "SEARCH":
            found = uids if rest.upper() == "ALL" else _uid_set(rest.split()[-1], uids)
            self.send("* SEARCH" + "".join(f" {u}" for u in found))
            self.send(f"{tag} OK SEARCH completed")
            return
        if sub.upper() == "FETCH":
            match = re.match(r"(\S+) \((.+)\)", rest)
            if not match:
                self.send(f"{tag} BAD FETCH syntax")
                return
            spec, items = match.groups()
            peek = "BODY.PEEK[]" in items.upper()
            box.seen_flag_set |= not peek
            wanted = set(_uid_set(spec, uids))
            for number, (uid, body) in enumerate(box.messages, start=1):
                if uid in wanted:
                    name = "BODY[]" if peek or "BODY[]" in items.upper() else "RFC822"
                    self.wfile.write(f"* {number} FETCH (UID {uid} {name} {{{len(body)}}}\r\n".encode())
                    self.wfile.write(body)
                    self.send(")")
            self.send(f"{tag} OK FETCH completed")
            return
        self.send(f"{tag} BAD unsupported UID command")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    mailbox: Mailbox


@contextmanager
def imap_server(mailbox: Mailbox) -> Iterator[ImapServer]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.mailbox = mailbox
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ImapServer("127.0.0.1", server.server_address[1], mailbox)
    finally:
        server.shutdown()
        server.server_close()
