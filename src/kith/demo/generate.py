"""Write the Nordlicht demo data set: every channel in its network's real format, from one seed.

Why deterministic: the demo, its screenshots and the tests must show the same people and numbers on
every machine, so all randomness comes from ``random.Random`` instances seeded from ``seed`` (one per
channel, so a change in one writer does not reshuffle the others) and nothing reads the clock.
The same seed gives byte-identical files.

Layout: ``out_dir/<channel>/<files>`` with channel names as the parsers' (x, facebook, instagram,
youtube, mastodon, bluesky, reddit, feeds, email, csv); each JSON file is one response body.
A run first removes the files its previous run in ``out_dir`` listed in ``.kith-demo-files`` (and
nothing else), so a re-run with another seed leaves no stale pages behind.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from kith.demo.bluesky_format import write_bluesky
from kith.demo.csv_format import write_csv
from kith.demo.mail_feed_format import write_email, write_feeds
from kith.demo.mastodon_format import write_mastodon
from kith.demo.meta_format import write_facebook, write_instagram
from kith.demo.reddit_format import write_reddit
from kith.demo.story import Story, build_story
from kith.demo.x_format import write_x
from kith.demo.youtube_format import write_youtube

Writer = Callable[[Path, random.Random, Story], list[Path]]

WRITERS: dict[str, Writer] = {
    "x": write_x,
    "facebook": write_facebook,
    "instagram": write_instagram,
    "youtube": write_youtube,
    "mastodon": write_mastodon,
    "bluesky": write_bluesky,
    "reddit": write_reddit,
    "feeds": write_feeds,
    "email": write_email,
    "csv": write_csv,
}
MANIFEST = ".kith-demo-files"


def _forget_previous_run(out_dir: Path) -> None:
    manifest = out_dir / MANIFEST
    if not manifest.is_file():
        return
    for line in manifest.read_text(encoding="utf-8").splitlines():
        path = out_dir / line
        relative = Path(line)
        if line and not relative.is_absolute() and ".." not in relative.parts and path.is_file():
            path.unlink()
    manifest.unlink()


def generate(out_dir: Path, seed: int = 2026) -> dict[str, list[Path]]:
    """Write the demo data under ``out_dir``; returns channel name -> files written (in writing order)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _forget_previous_run(out_dir)
    story = build_story(random.Random(f"{seed}:story"))
    written: dict[str, list[Path]] = {}
    for channel, writer in WRITERS.items():
        written[channel] = writer(out_dir, random.Random(f"{seed}:{channel}"), story)
    listing = sorted(str(p.relative_to(out_dir).as_posix()) for files in written.values() for p in files)
    (out_dir / MANIFEST).write_text("\n".join(listing) + "\n", encoding="utf-8")
    return written
