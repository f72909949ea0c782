"""/admin/router served by a real ``kith serve``: figures, threshold form, retrain, rollback, who may do what."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from kith.db import make_engine, session_scope
from kith.routing.learned_service import do_train_router
from tests.e2e.server import Server, create_users, csrf_of, running_server
from tests.integration.test_learned_router_storage import seed_history


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("router") / "router.db"
    url = f"sqlite:///{path}"
    create_users(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        seed_history(session, n=90)
        do_train_router(session)
    engine.dispose()
    with running_server(path) as running:
        yield running


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def post(client: httpx.Client, action: str, data: dict[str, str]) -> httpx.Response:
    page = client.get("/admin/router")
    return client.post(action, data={**data, "csrf_token": csrf_of(page.text)})


def test_admin_sees_version_held_out_figures_and_confusion_matrix(server: Server) -> None:
    with server.client("admin") as admin:
        page = admin.get("/admin/router")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "router-1" in text and "72 (legal" in text
    assert re.search(r"Trained on the 57 older decisions, tested on the newest 15", text)
    assert re.search(r"\d+\.\d% accuracy", text) and re.search(r"\d\.\d{3} macro F1", text)
    assert page.text.count('<tr data-department="') >= 3
    matrix = re.search(r'<table class="matrix">(.*?)</table>', page.text, re.S)
    assert matrix and matrix.group(1).count('<th scope="row">') >= 3
    assert "Retrain now" in text and 'href="/admin/router" aria-current="page"' in page.text


def test_threshold_is_validated_saved_and_cleared(server: Server) -> None:
    with server.client("admin") as admin:
        bad = post(admin, "/admin/router/threshold", {"threshold": "1.5"})
        assert bad.status_code == 400
        assert "between 0 and 1" in bad.text and 'role="alert"' in bad.text and 'value="1.5"' in bad.text
        saved = post(admin, "/admin/router/threshold", {"threshold": "85%"})
        assert saved.status_code == 303 and saved.headers["location"] == "/admin/router?done=threshold-saved"
        page = admin.get(saved.headers["location"])
        assert 'data-field="threshold">85%' in page.text and "The threshold was saved" in page.text
        cleared = post(admin, "/admin/router/threshold", {"threshold": ""})
        assert cleared.headers["location"] == "/admin/router?done=suggest-only"
        assert 'data-field="threshold">suggest only' in admin.get("/admin/router").text


def test_retrain_then_roll_back_to_the_first_version(server: Server) -> None:
    with server.client("admin") as admin:
        done = post(admin, "/admin/router/retrain", {})
        assert done.status_code == 303 and done.headers["location"] == "/admin/router?done=retrained"
        page = admin.get("/admin/router")
        assert re.search(r'<tr data-version="router-2">.*?active', page.text, re.S)
        rolled = post(admin, "/admin/router/activate", {"version": "router-1"})
        assert rolled.status_code == 303
        page = admin.get("/admin/router")
        assert 'data-field="version">router-1' in page.text
        assert post(admin, "/admin/router/activate", {"version": "router-99"}).status_code == 404


def test_analyst_may_look_but_not_act(server: Server) -> None:
    with server.client("analyst") as analyst:
        page = analyst.get("/admin/router")
        assert page.status_code == 200 and "accuracy" in page.text
        assert "Retrain now" not in page.text and 'action="/admin/router/threshold"' not in page.text
        token = csrf_of(analyst.get("/account").text)
        for action in ("/admin/router/retrain", "/admin/router/threshold"):
            assert analyst.post(action, data={"csrf_token": token, "threshold": "0.5"}).status_code == 403


@pytest.mark.parametrize("who", ["agent", "service", "readonly"])
def test_other_roles_are_refused(server: Server, who: str) -> None:
    with server.client(who) as client:
        assert client.get("/admin/router").status_code == 403


def test_signed_out_goes_to_sign_in_and_a_forged_form_is_refused(server: Server) -> None:
    with server.client() as anonymous:
        assert anonymous.get("/admin/router").status_code in (302, 303)
    with server.client("admin") as admin:
        assert admin.post("/admin/router/retrain", data={"csrf_token": "forged"}).status_code == 403
