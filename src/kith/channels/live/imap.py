"""IMAP mailboxes (standard library ``imaplib``): new messages by UID, read without marking them seen.

Why UIDVALIDITY + last UID: IMAP UIDs only grow within one UIDVALIDITY, so ``UID SEARCH UID <last+1>:*``
is exactly the new mail. When the server changes UIDVALIDITY (a rebuilt or restored mailbox), every UID
is meaningless: the poller starts again from UID 1 under the new value. That re-reads old mail, which is
harmless because a raw e-mail is unique by its Message-ID, so nothing is stored twice.

Why ``EXAMINE`` and ``BODY.PEEK[]``: the mailbox is opened read-only and bodies are fetched with PEEK, so
listening never flips the ``\\Seen`` flag the support team works from. The password is the channel's
credentials (an environment variable or the encrypted stored value), never a source parameter.

Transport security: ``ssl`` (port 993, the default) or ``starttls`` (port 143); ``none`` is accepted
only for a server on this machine (a local bridge such as ProtonMail Bridge, or tests).
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from typing import Any

import httpx

from kith.channels.live.base import CursorState, Poller, PollError, PollResult, SourceError, TransientError

SECURITY = ("ssl", "starttls", "none")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
BATCH = 50  # messages fetched per command
MAX_MESSAGES = 200  # per poll; the rest comes next poll (the cursor is gap-free)
TIMEOUT_S = 30.0
_UID = re.compile(rb"\bUID (\d+)")
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,253}$")


class ImapPoller(Poller):
    kind = "imap"
    parser = "email"

    def check_params(self, params: dict[str, Any]) -> dict[str, Any]:
        host = str(params.get("host") or "").strip()
        user = str(params.get("user") or "").strip()
        if not _HOST.match(host) or not user:
            raise SourceError(
                "imap needs host=SERVER and user=LOGIN, e.g. host=imap.example.com user=support@example.com"
            )
        security = str(params.get("security") or "ssl").lower()
        if security not in SECURITY:
            raise SourceError(f"imap security= must be one of {', '.join(SECURITY)}; got {security!r}")
        if security == "none" and host not in LOCAL_HOSTS:
            raise SourceError("imap security=none sends the password in clear: only for localhost; use ssl or starttls")
        default_port = 993 if security == "ssl" else 143
        try:
            port = int(params.get("port") or default_port)
        except ValueError:
            raise SourceError(f"imap port= must be a number, e.g. port={default_port}") from None
        mailbox = str(params.get("mailbox") or "INBOX")
        return {"host": host, "port": port, "user": user, "mailbox": mailbox, "security": security}

    def source_for(self, params: dict[str, Any]) -> str:
        return f"imap:{params['user']}@{params['host']}/{params['mailbox']}"

    def poll(self, client: httpx.Client, cursor: CursorState) -> PollResult:
        """Fetch the mail that arrived since the cursor; ``client`` is unused (IMAP is not HTTP)."""
        if not cursor.credentials:
            raise PollError("imap needs the mailbox password: set the channel's credentials")
        p = cursor.params
        try:
            connection = _connect(p)
            try:
                return _read_new(connection, p, cursor)
            finally:
                _logout(connection)
        except imaplib.IMAP4.abort as exc:
            raise TransientError(f"{p['host']}: connection lost ({exc})") from exc
        except imaplib.IMAP4.error as exc:
            raise PollError(f"{p['host']}: {_text(exc)}; check the user, the password and the mailbox name") from exc
        except TimeoutError as exc:
            raise TransientError(f"{p['host']}: timed out") from exc
        except ssl.SSLError as exc:
            raise PollError(f"{p['host']}: TLS failed ({exc.reason}); check host, port and security=") from exc
        except OSError as exc:
            raise TransientError(f"{p['host']}:{p['port']}: connection failed ({exc})") from exc


def _connect(p: dict[str, Any]) -> imaplib.IMAP4:
    if p["security"] == "ssl":
        return imaplib.IMAP4_SSL(p["host"], p["port"], ssl_context=ssl.create_default_context(), timeout=TIMEOUT_S)
    connection = imaplib.IMAP4(p["host"], p["port"], timeout=TIMEOUT_S)
    if p["security"] == "starttls":
        connection.starttls(ssl_context=ssl.create_default_context())
    return connection


def _read_new(connection: imaplib.IMAP4, p: dict[str, Any], cursor: CursorState) -> PollResult:
    assert cursor.credentials is not None
    connection.login(p["user"], cursor.credentials)
    status, _ = connection.select(_quoted(p["mailbox"]), readonly=True)
    if status != "OK":
        raise PollError(f"mailbox {p['mailbox']!r} cannot be opened; check mailbox= (e.g. INBOX)")
    validity = _uidvalidity(connection)
    position = dict(cursor.position)
    same = position.get("uidvalidity") == validity and isinstance(position.get("last_uid"), int)
    last_uid = int(position["last_uid"]) if same else 0
    first_poll = not position  # no cursor yet: listening starts now, with the newest BATCH messages
    status, data = connection.uid("SEARCH", "ALL" if first_poll else f"UID {last_uid + 1}:*")
    if status != "OK":
        raise PollError(f"UID SEARCH failed in {p['mailbox']!r}: {_text(data)}")
    uids = sorted(int(u) for u in b" ".join(d for d in data if isinstance(d, bytes)).split() if u.isdigit())
    new = [u for u in uids if u > last_uid]  # ``n:*`` also returns the highest UID when nothing is newer
    new = new[-BATCH:] if first_poll else new[:MAX_MESSAGES]
    bodies: list[bytes] = []
    for start in range(0, len(new), BATCH):
        bodies += _fetch(connection, new[start : start + BATCH])
    next_uid = max(new, default=last_uid)
    return PollResult(bodies=bodies, new_state={"uidvalidity": validity, "last_uid": next_uid})


def _fetch(connection: imaplib.IMAP4, uids: list[int]) -> list[bytes]:
    """Bodies of ``uids`` in UID order; ``BODY.PEEK[]`` leaves their ``\\Seen`` flag alone."""
    status, data = connection.uid("FETCH", ",".join(map(str, uids)), "(BODY.PEEK[])")
    if status != "OK":
        raise PollError(f"UID FETCH failed: {_text(data)}")
    found: dict[int, bytes] = {}
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            match = _UID.search(part[0])
            if match:
                found[int(match.group(1))] = part[1]
    return [found[u] for u in uids if u in found]


def _uidvalidity(connection: imaplib.IMAP4) -> int | None:
    _, values = connection.response("UIDVALIDITY")
    for value in values or []:
        if isinstance(value, bytes) and value.strip().isdigit():
            return int(value)
    return None


def _quoted(mailbox: str) -> str:
    """A mailbox name as an IMAP quoted string (names with spaces, e.g. "Customer Mail")."""
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _logout(connection: imaplib.IMAP4) -> None:
    with contextlib.suppress(imaplib.IMAP4.error, OSError):  # the poll's outcome is decided already
        connection.logout()


def _text(value: Any) -> str:
    if isinstance(value, BaseException):
        value = value.args[0] if value.args else str(value)
    if isinstance(value, list):
        value = b" ".join(v for v in value if isinstance(v, bytes))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
