"""The segment builder and the audience view over HTTP against a real ``kith serve``: preview, save with a
positioned error, the stream filtered by a segment, deletion, and who may change segments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

from kith.cli import run_with_progress
from kith.db import make_engine
from kith.pipeline.ingest import ingest_bytes
from tests.conftest import FIXTURES, PAYLOADS
from tests.e2e.server import Server, create_users, csrf_of, running_server


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path: Path = tmp_path_factory.mktemp("segments") / "segments.db"
    create_users(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    for channel, file in (
        ("csv", FIXTURES / "csv" / "customers.csv"),
        ("csv", FIXTURES / "csv" / "orders.csv"),
        ("csv", FIXTURES / "csv" / "panel.csv"),
        ("reddit", PAYLOADS / "reddit" / "submission-comments.json"),
    ):
        ingest_bytes(engine, channel, file.read_bytes(), file.name)
    run_with_progress(engine)
    engine.dispose()
    with running_server(path) as running:
        yield running


def test_build_preview_save_filter_and_delete(server: Server) -> None:
    with server.client("analyst") as analyst:
        form = analyst.get("/segments/new")
        assert form.status_code == 200 and "/static/segments.css" in form.text
        csrf = csrf_of(form.text)
        data = {"csrf_token": csrf, "name": "Reddit creators", "definition": "channel:reddit AND tier:creator"}
        preview = analyst.post("/segments/new", data={**data, "action": "preview"})
        assert preview.status_code == 200
        assert 'id="preview-count">1<' in preview.text and ">bboe</a>" in preview.text
        assert analyst.get("/segments").text.count("Reddit creators") == 0  # a preview saves nothing

        bad = analyst.post("/segments/new", data={**data, "definition": "tier:creator AND clv>=200"})
        assert bad.status_code == 422
        assert "write clv:&gt;=200 (with a colon) at column 18" in bad.text

        saved = analyst.post("/segments/new", data={**data, "action": "save"}, follow_redirects=False)
        assert saved.status_code == 303 and saved.headers["location"] == "/segments/reddit-creators"
        detail = analyst.get("/segments/reddit-creators")
        assert 'id="member-count">1<' in detail.text
        listing = text_of(analyst.get("/segments").text)
        assert "Reddit creators reddit-creators channel:reddit AND tier:creator 1" in listing

        stream = analyst.get("/", params={"segment": "reddit-creators"})
        assert stream.status_code == 200 and '<option value="reddit-creators" selected>' in stream.text
        assert "bboe" in stream.text and "paneer_burrito" not in stream.text  # only the segment's authors
        assert analyst.get("/", params={"segment": "nope"}).status_code == 400

        audience = analyst.get("/audience", params={"period": "all"})
        assert audience.status_code == 200 and "<svg" in audience.text and " style=" not in audience.text
        assert 'id="size-customers">3<' in audience.text and 'id="size-panel">2<' in audience.text
        assert analyst.get("/audience", params={"period": "7"}).status_code == 400

        gone = analyst.post("/segments/reddit-creators/delete", data={"csrf_token": csrf}, follow_redirects=False)
        assert gone.status_code == 303
        assert analyst.get("/segments/reddit-creators").status_code == 404


def test_read_only_users_see_segments_but_cannot_change_them(server: Server) -> None:
    with server.client("agent") as agent:
        csrf = csrf_of(agent.get("/segments/new").text)
        made = agent.post(
            "/segments/new",
            data={"csrf_token": csrf, "name": "Germans", "definition": "country:DE", "action": "save"},
            follow_redirects=False,
        )
        assert made.status_code == 303
    with server.client("readonly") as reader:
        listing = reader.get("/segments")
        assert listing.status_code == 200 and "Germans" in listing.text and "New segment" not in listing.text
        assert reader.get("/segments/germans").status_code == 200
        assert reader.get("/segments/germans/edit").status_code == 403
        csrf = csrf_of(listing.text)
        assert reader.post("/segments/germans/delete", data={"csrf_token": csrf}).status_code == 403
