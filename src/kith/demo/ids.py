"""Identifier shapes of the networks, made from the seeded generator, plus the JSON file writer.

Why imitate the real shapes: parsers and people recognise ids by their look (X snowflakes encode the
time, Bluesky record keys are time-sortable TIDs, CIDs are base32 multihashes, Reddit ids are base36),
and a demo that uses the genuine shapes exercises the same code paths as live data.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path
from typing import Any

_TWITTER_EPOCH_MS = 1288834974657
_B32_SORT = "234567abcdefghijklmnopqrstuvwxyz"
_B32 = "abcdefghijklmnopqrstuvwxyz234567"
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class Ids:
    """Unique ids for one network; remembers what it handed out so nothing repeats."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._seen: set[str] = set()

    def _unique(self, make: Any) -> str:
        while True:
            value = str(make())
            if value not in self._seen:
                self._seen.add(value)
                return value

    def snowflake(self, moment: datetime) -> str:
        """X (Twitter) id: milliseconds since the Twitter epoch, shifted by 22 bits."""
        return self._unique(lambda: ((_ms(moment) - _TWITTER_EPOCH_MS) << 22) | self.rng.getrandbits(22))

    def mastodon(self, moment: datetime) -> str:
        """Mastodon id: milliseconds shifted by 16 bits."""
        return self._unique(lambda: (_ms(moment) << 16) | self.rng.getrandbits(16))

    def digits(self, length: int, first: str = "") -> str:
        return self._unique(lambda: first + "".join(self.rng.choice("0123456789") for _ in range(length - len(first))))

    def base36(self, length: int, first: str = "") -> str:
        return self._unique(lambda: first + "".join(self.rng.choice(_B36) for _ in range(length - len(first))))

    def b64(self, length: int) -> str:
        return self._unique(lambda: "".join(self.rng.choice(_B64URL) for _ in range(length)))

    def tid(self, moment: datetime) -> str:
        """AT Protocol record key: 53 bits of microseconds and 10 bits of clock id, base32-sortable."""

        def make() -> str:
            value = (int(moment.timestamp() * 1_000_000) << 10) | self.rng.getrandbits(10)
            return "".join(_B32_SORT[(value >> (5 * i)) & 31] for i in reversed(range(13)))

        return self._unique(make)

    def cid(self) -> str:
        """A CIDv1 (dag-cbor, sha-256) as base32: 'bafyrei' + 52 characters."""
        return self._unique(lambda: "bafyrei" + "".join(self.rng.choice(_B32) for _ in range(52)))

    def did(self) -> str:
        return self._unique(lambda: "did:plc:" + "".join(self.rng.choice(_B32) for _ in range(24)))

    def token(self, length: int = 40) -> str:
        return "".join(self.rng.choice(_B36) for _ in range(length))


def write_json(path: Path, body: Any) -> Path:
    """One API response body per file, UTF-8, non-ASCII kept as is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def pages(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)] or [[]]
