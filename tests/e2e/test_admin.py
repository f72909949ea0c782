"""The Admin area and the Account page, served by a real ``kith serve`` and driven with an HTTP client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from kith.auth.models import User
from kith.auth.security import decrypt
from kith.auth.service import do_create_user
from kith.channels.models import Channel
from kith.config import get_settings
from kith.db import make_engine, session_scope
from tests.e2e.server import PASSWORD, USERS, Server, create_users, csrf_of, running_server, sign_in

SECRET = "sk-live-TOP-secret-9f8e7d6c5b4a"  # the value that must never come back
NON_ADMINS = [who for who in USERS if who != "admin"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("admin") / "admin.db"
    url = f"sqlite:///{path}"
    create_users(url)
    engine = make_engine(url)
    with session_scope(engine) as session:  # users this module changes, so the shared ones stay as they are
        for who in ("pat", "quinn", "riley"):
            do_create_user(session, f"{who}@test.example", who.title(), PASSWORD, "agent")
    engine.dispose()
    with running_server(path) as running:
        yield running


@pytest.fixture
def admin(server: Server) -> Iterator[httpx.Client]:
    with server.client("admin") as client:
        yield client


def post(client: httpx.Client, form_page: str, action: str, data: dict[str, object]) -> httpx.Response:
    """Submit a form the way a browser does: the CSRF token comes from the page that shows the form."""
    page = client.get(form_page)
    assert page.status_code == 200, page.text[:300]
    return client.post(action, data={**data, "csrf_token": csrf_of(page.text)})


def public_id_of(server: Server, model: type[User] | type[Channel], column: object, value: str) -> str:
    engine = make_engine(server.db_url)
    with session_scope(engine) as session:
        found = session.scalar(select(model.public_id).where(column == value))  # type: ignore[arg-type]
    engine.dispose()
    assert found, value
    return str(found)


def user_id(server: Server, email: str) -> str:
    return public_id_of(server, User, User.email, email)


def channel_id(server: Server, name: str) -> str:
    return public_id_of(server, Channel, Channel.name, name)


def can_sign_in(server: Server, email: str, password: str) -> bool:
    with httpx.Client(base_url=server.base) as client:
        page = client.get("/login")
        done = client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_of(page.text)})
    return done.status_code == 303


# ---- overview and users ------------------------------------------------------------------------------


def test_overview_counts_users_departments_channels(admin: httpx.Client) -> None:
    page = admin.get("/admin")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert re.search(r"\d+ users", text) and "6 departments" in text and re.search(r"\d+ channels", text)
    assert 'href="/admin/users"' in page.text and 'href="/admin/channels"' in page.text


def test_admin_creates_a_user_who_can_sign_in(server: Server, admin: httpx.Client) -> None:
    data = {"email": "New.Person@test.example", "name": "New Person", "role": "department", "department": "sales"}
    done = post(admin, "/admin/users/new", "/admin/users", {**data, "password": "a-long-enough-pw"})
    assert done.status_code == 303 and done.headers["location"] == "/admin/users?done=user-created"
    listing = admin.get(done.headers["location"])
    assert "The user was created." in listing.text
    assert "new.person@test.example" in listing.text and "Sales" in listing.text
    assert can_sign_in(server, "new.person@test.example", "a-long-enough-pw")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "short"}, "at least 10 characters"),
        ({"email": "admin@test.example"}, "already exists"),
        ({"email": "not-an-address"}, "is not an e-mail address"),
        ({"role": "department", "department": ""}, "needs a department"),
        ({"department": "no-such-dept"}, "unknown department"),
        ({"role": "overlord"}, "unknown role"),
    ],
)
def test_a_bad_new_user_form_comes_back_with_the_reason(
    admin: httpx.Client, change: dict[str, str], message: str
) -> None:
    data = {"email": "x@test.example", "name": "X", "role": "agent", "department": "", "password": "long-enough-1"}
    page = post(admin, "/admin/users/new", "/admin/users", {**data, **change})
    assert page.status_code == 400
    assert message in page.text and 'role="alert"' in page.text
    assert "long-enough-1" not in page.text  # a password is never sent back


def test_admin_changes_role_department_and_deactivates_without_deleting(server: Server, admin: httpx.Client) -> None:
    pid = user_id(server, "pat@test.example")
    edit = f"/admin/users/{pid}"
    assert admin.get(edit).status_code == 200
    done = post(admin, edit, edit, {"role": "department", "department": "legal"})  # no "active": deactivated
    assert done.status_code == 303 and done.headers["location"] == "/admin/users?done=user-updated"
    listing = admin.get("/admin/users").text
    row = listing[listing.index("pat@test.example") :][:600]
    assert "Legal &amp; compliance" in row and "deactivated" in row and "department" in row
    assert not can_sign_in(server, "pat@test.example", PASSWORD)
    assert post(admin, edit, edit, {"role": "agent", "department": "", "active": "on"}).status_code == 303
    assert can_sign_in(server, "pat@test.example", PASSWORD)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "agent", "active": "on"}, "cannot remove your own admin role"),
        ({"role": "admin"}, "cannot deactivate your own account"),
    ],
)
def test_an_admin_cannot_demote_or_deactivate_themself(
    server: Server, admin: httpx.Client, data: dict[str, str], message: str
) -> None:
    edit = f"/admin/users/{user_id(server, USERS['admin'][0])}"
    page = post(admin, edit, edit, data)
    assert page.status_code == 400 and message in page.text
    assert admin.get("/admin").status_code == 200  # still an admin


def test_admin_resets_a_password(server: Server, admin: httpx.Client) -> None:
    pid = user_id(server, "quinn@test.example")
    edit = f"/admin/users/{pid}"
    short = post(admin, edit, f"{edit}/password", {"password": "short"})
    assert short.status_code == 400 and "at least 10 characters" in short.text
    done = post(admin, edit, f"{edit}/password", {"password": "brand-new-password"})
    assert done.headers["location"] == "/admin/users?done=password-reset"
    assert can_sign_in(server, "quinn@test.example", "brand-new-password")
    assert not can_sign_in(server, "quinn@test.example", PASSWORD)
    own = f"/admin/users/{user_id(server, USERS['admin'][0])}"
    refused = post(admin, own, f"{own}/password", {"password": "brand-new-password"})
    assert refused.status_code == 400 and "under Account" in refused.text  # there, the current one is asked for


def test_unknown_user_and_broken_cursor_get_friendly_pages(admin: httpx.Client) -> None:
    assert admin.get("/admin/users/" + "0" * 32).status_code == 404
    broken = admin.get("/admin/users?after=nonsense")
    assert broken.status_code == 400 and "start from the first page" in broken.text


def test_done_codes_show_fixed_messages_only(admin: httpx.Client) -> None:
    page = admin.get("/admin/users", params={"done": "<script>alert(1)</script>"})
    assert page.status_code == 200
    assert "alert(1)" not in page.text and 'role="status"' not in page.text


# ---- departments -------------------------------------------------------------------------------------


def test_departments_default_create_and_rename(admin: httpx.Client) -> None:
    listing = admin.get("/admin/departments")
    assert all(name in listing.text for name in ("Customer service", "Sales", "PR &amp; communications"))
    done = post(admin, "/admin/departments", "/admin/departments", {"slug": "after-sales", "name": "After sales"})
    assert done.headers["location"] == "/admin/departments?done=department-created"
    listing = admin.get(done.headers["location"]).text
    assert "After sales" in listing and "The department was created." in listing
    rows = re.findall(r'class="strong">([^<]+)</td>.*?href="(/admin/departments/[0-9a-f]{32})"', listing, re.S)
    edit = dict(rows)["After sales"]
    renamed = post(admin, edit, edit, {"name": "After-sales care"})
    assert renamed.headers["location"] == "/admin/departments?done=department-renamed"
    assert "After-sales care" in admin.get("/admin/departments").text
    assert post(admin, edit, edit, {"name": "  "}).status_code == 400


@pytest.mark.parametrize(
    ("slug", "message"), [("Bad Slug", "lower-case letters"), ("sales", "already exists"), ("-x", "lower-case")]
)
def test_a_bad_department_is_refused(admin: httpx.Client, slug: str, message: str) -> None:
    page = post(admin, "/admin/departments", "/admin/departments", {"slug": slug, "name": "Something"})
    assert page.status_code == 400 and message in page.text


# ---- channels ----------------------------------------------------------------------------------------


@pytest.fixture
def watched(admin: httpx.Client) -> Iterator[list[str]]:
    """Every response body the admin client receives in a test, to prove the secret is never among them."""
    bodies: list[str] = []

    def keep(response: httpx.Response) -> None:
        response.read()
        bodies.append(response.text + str(response.headers))

    admin.event_hooks["response"] = [keep]
    yield bodies
    admin.event_hooks["response"] = []


def test_channels_with_an_encrypted_secret_and_an_environment_variable(
    server: Server, admin: httpx.Client, watched: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_channel = {"name": "x-support", "kind": "x", "display_name": "X support", "account": "@acme_help"}
    done = post(
        admin, "/admin/channels/new", "/admin/channels", {**secret_channel, "credentials": "secret", "secret": SECRET}
    )
    assert done.status_code == 303 and done.headers["location"] == "/admin/channels?done=channel-created"
    env_channel = {
        "name": "mail-sales",
        "kind": "email",
        "display_name": "Sales mailbox",
        "account": "sales@acme.example",
    }
    done = post(
        admin,
        "/admin/channels/new",
        "/admin/channels",
        {**env_channel, "credentials": "env", "credentials_ref": "KITH_MAIL_SALES"},
    )
    assert done.status_code == 303
    listing = admin.get(done.headers["location"]).text
    assert "The channel was added." in listing
    x_row = listing[listing.index('data-name="x-support"') :][:1500]
    assert "X support" in x_row and "@acme_help" in x_row and "set (encrypted)" in x_row and "enabled" in x_row
    mail_row = listing[listing.index('data-name="mail-sales"') :][:1500]
    assert "from <code>$KITH_MAIL_SALES</code>" in mail_row and "email" in mail_row

    edit = f"/admin/channels/{channel_id(server, 'x-support')}"
    form = admin.get(edit).text
    assert "set (encrypted)" in form and 'name="secret" value=""' in form
    kept = post(admin, edit, edit, {"display_name": "X support desk", "account": "@acme_help", "credentials": "keep"})
    assert kept.headers["location"] == "/admin/channels?done=channel-updated"
    bad = post(admin, edit, edit, {"display_name": "", "account": "", "credentials": "secret", "secret": SECRET})
    assert bad.status_code == 400 and "display name must not be empty" in bad.text

    # the database holds ciphertext that the server's key opens, never the clear secret
    engine = make_engine(server.db_url)
    with session_scope(engine) as session:
        x = session.scalar(select(Channel).where(Channel.name == "x-support"))
        mail = session.scalar(select(Channel).where(Channel.name == "mail-sales"))
        assert x is not None and mail is not None
        stored = bytes(x.credentials_encrypted or b"")
        assert x.display_name == "X support desk" and x.credentials_ref is None
        assert mail.credentials_ref == "KITH_MAIL_SALES" and mail.credentials_encrypted is None
    engine.dispose()
    db_file = Path(server.db_url.removeprefix("sqlite:///"))
    on_disk = b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))  # the file, its WAL
    assert stored and SECRET.encode() not in stored and SECRET.encode() not in on_disk
    secret_file = db_file.with_suffix(".secret")
    monkeypatch.setenv("KITH_SECRET_KEY", secret_file.read_text().strip())
    get_settings.cache_clear()
    try:
        assert decrypt(stored) == SECRET
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()

    assert all(SECRET not in body for body in watched) and len(watched) >= 10


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "Bad Name"}, "lower-case letters"),
        ({"name": "x-support-2", "kind": "myspace"}, "unknown kind"),
        ({"credentials": "env", "credentials_ref": "lower_case"}, "environment variable name"),
        ({"credentials": "env", "credentials_ref": "9LIVES"}, "environment variable name"),
        ({"credentials": "secret", "secret": ""}, "enter the secret value"),
        ({"display_name": ""}, "display name must not be empty"),
    ],
)
def test_a_bad_channel_form_comes_back_without_the_secret(
    admin: httpx.Client, change: dict[str, str], message: str
) -> None:
    data = {"name": "yt-main", "kind": "youtube", "display_name": "YouTube", "credentials": "secret", "secret": SECRET}
    page = post(admin, "/admin/channels/new", "/admin/channels", {**data, **change})
    assert page.status_code == 400 and message in page.text
    assert SECRET not in page.text


def test_a_duplicate_channel_name_is_refused(admin: httpx.Client) -> None:
    data = {"name": "dup-channel", "kind": "csv", "display_name": "Imports", "credentials": "none"}
    assert post(admin, "/admin/channels/new", "/admin/channels", data).status_code == 303
    again = post(admin, "/admin/channels/new", "/admin/channels", data)
    assert again.status_code == 400 and "already exists" in again.text


def test_admin_disables_and_enables_a_channel(server: Server, admin: httpx.Client) -> None:
    data = {"name": "feeds-reviews", "kind": "feeds", "display_name": "Reviews", "credentials": "none"}
    assert post(admin, "/admin/channels/new", "/admin/channels", data).status_code == 303
    pid = channel_id(server, "feeds-reviews")
    off = post(admin, "/admin/channels", f"/admin/channels/{pid}/enabled", {"enabled": "no"})
    assert off.headers["location"] == "/admin/channels?done=channel-disabled"
    row = admin.get("/admin/channels").text
    row = row[row.index('data-name="feeds-reviews"') :][:1500]
    assert "disabled" in row and ">Enable</button>" in row
    engine = make_engine(server.db_url)
    with session_scope(engine) as session:
        assert session.scalar(select(Channel.enabled).where(Channel.public_id == pid)) is False
    on = post(admin, "/admin/channels", f"/admin/channels/{pid}/enabled", {"enabled": "yes"})
    assert on.headers["location"] == "/admin/channels?done=channel-enabled"
    with session_scope(engine) as session:
        assert session.scalar(select(Channel.enabled).where(Channel.public_id == pid)) is True
    engine.dispose()


# ---- account -----------------------------------------------------------------------------------------


def test_account_shows_who_i_am(server: Server) -> None:
    with server.client("service") as client:
        page = client.get("/account")
    assert page.status_code == 200
    assert all(s in page.text for s in ("Service", "service@test.example", "department", "Customer service"))
    assert 'value="admin"' not in page.text  # no admin scope offered to a non-admin


def test_tokens_are_shown_once_used_and_revoked(server: Server) -> None:
    with server.client("analyst") as client:
        created = post(client, "/account", "/account/tokens", {"name": "nightly export", "scopes": ["read"]})
        assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
        clear = re.search(r'value="(kith_[^"]+)"', created.text)
        assert clear is not None
        token = clear.group(1)
        listing = client.get("/account").text
        assert "nightly export" in listing and token[:12] in listing and token not in listing
        bearer = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.base) as program:
            assert "analyst@test.example" in program.get("/account", headers=bearer).text
        pid = re.search(r'action="/account/tokens/([0-9a-f]{32})/revoke"', listing)
        assert pid is not None
        revoked = post(client, "/account", f"/account/tokens/{pid.group(1)}/revoke", {})
        assert revoked.headers["location"] == "/account?done=token-revoked"
        assert "revoked" in client.get("/account").text
    with httpx.Client(base_url=server.base) as anonymous:
        assert anonymous.get("/account", headers=bearer).status_code == 401


def test_token_scopes_follow_the_role(server: Server) -> None:
    with server.client("agent") as client:
        refused = post(client, "/account", "/account/tokens", {"name": "sneaky", "scopes": ["read", "admin"]})
        assert refused.status_code == 400 and "only an admin" in refused.text
        nothing = post(client, "/account", "/account/tokens", {"name": "empty"})
        assert nothing.status_code == 400 and "at least one scope" in nothing.text
    with server.client("admin") as client:
        made = post(client, "/account", "/account/tokens", {"name": "automation", "scopes": ["admin", "read"]})
        weak = post(client, "/account", "/account/tokens", {"name": "reader", "scopes": ["read"]})
    strong = re.search(r'value="(kith_[^"]+)"', made.text)
    read_only = re.search(r'value="(kith_[^"]+)"', weak.text)
    assert strong and read_only
    with httpx.Client(base_url=server.base) as api:
        assert api.get("/admin/users", headers={"Authorization": f"Bearer {strong.group(1)}"}).status_code == 200
        assert api.get("/admin/users", headers={"Authorization": f"Bearer {read_only.group(1)}"}).status_code == 403
        # a token cannot change the account it belongs to (no minting of stronger tokens, no password change)
        minted = api.post(
            "/account/tokens",
            headers={"Authorization": f"Bearer {read_only.group(1)}"},
            data={"name": "x", "scopes": ["admin"]},
        )
        assert minted.status_code == 403


def test_change_own_password(server: Server) -> None:
    with httpx.Client(base_url=server.base) as client:
        sign_in(client, "riley@test.example", PASSWORD)
        wrong = post(client, "/account", "/account/password", {"current": "nope", "new": "x" * 12, "repeat": "x" * 12})
        assert wrong.status_code == 400 and "current password is wrong" in wrong.text
        differ = post(
            client, "/account", "/account/password", {"current": PASSWORD, "new": "y" * 12, "repeat": "z" * 12}
        )
        assert differ.status_code == 400 and "differ" in differ.text
        short = post(client, "/account", "/account/password", {"current": PASSWORD, "new": "short", "repeat": "short"})
        assert short.status_code == 400 and "at least 10" in short.text
        done = post(
            client,
            "/account",
            "/account/password",
            {"current": PASSWORD, "new": "riley-new-pass", "repeat": "riley-new-pass"},
        )
        assert done.headers["location"] == "/account?done=password-changed"
        assert "Your password was changed." in client.get(done.headers["location"]).text
    assert can_sign_in(server, "riley@test.example", "riley-new-pass")
    assert not can_sign_in(server, "riley@test.example", PASSWORD)


# ---- who may do what ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def admin_urls(server: Server) -> tuple[list[str], list[tuple[str, dict[str, object]]]]:
    """Every admin page (GET) and form action (POST), with real public ids."""
    user = user_id(server, "quinn@test.example")
    with server.client("admin") as admin:
        post(
            admin,
            "/admin/channels/new",
            "/admin/channels",
            {"name": "guarded", "kind": "csv", "display_name": "G", "credentials": "none"},
        )
        departments = admin.get("/admin/departments").text
    dept = re.findall(r'href="/admin/departments/([0-9a-f]{32})"', departments)[0]
    channel = channel_id(server, "guarded")
    pages = [
        "/admin",
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{user}",
        "/admin/departments",
        f"/admin/departments/{dept}",
        "/admin/channels",
        "/admin/channels/new",
        f"/admin/channels/{channel}",
    ]
    actions: list[tuple[str, dict[str, object]]] = [
        ("/admin/users", {"email": "evil@test.example", "name": "E", "role": "admin", "password": "p" * 12}),
        (f"/admin/users/{user}", {"role": "admin", "active": "on"}),
        (f"/admin/users/{user}/password", {"password": "p" * 12}),
        ("/admin/departments", {"slug": "evil", "name": "Evil"}),
        (f"/admin/departments/{dept}", {"name": "Evil"}),
        ("/admin/channels", {"name": "evil", "kind": "csv", "display_name": "E", "credentials": "none"}),
        (f"/admin/channels/{channel}", {"display_name": "Evil", "credentials": "keep"}),
        (f"/admin/channels/{channel}/enabled", {"enabled": "no"}),
    ]
    return pages, actions


@pytest.mark.parametrize("who", NON_ADMINS)
def test_other_roles_get_403_on_every_admin_page_and_action(
    server: Server, admin_urls: tuple[list[str], list[tuple[str, dict[str, object]]]], who: str
) -> None:
    pages, actions = admin_urls
    with server.client(who) as client:
        token = csrf_of(client.get("/account").text)
        for url in pages:
            assert client.get(url).status_code == 403, url
        for url, data in actions:
            assert client.post(url, data={**data, "csrf_token": token}).status_code == 403, url
    engine = make_engine(server.db_url)
    with session_scope(engine) as session:  # and nothing changed
        assert session.scalar(select(User.id).where(User.email == "evil@test.example")) is None
        assert session.scalar(select(User.role).where(User.email == "quinn@test.example")) == "agent"
        assert session.scalar(select(Channel.enabled).where(Channel.name == "guarded")) is True
        assert session.scalar(select(Channel.id).where(Channel.name == "evil")) is None
    engine.dispose()


def test_signed_out_visitors_are_sent_to_sign_in(server: Server) -> None:
    with server.client() as client:
        for url in ("/admin", "/admin/users", "/admin/channels", "/account"):
            response = client.get(url)
            assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(
    "action",
    ["/admin/users", "/admin/departments", "/admin/channels", "/account/tokens", "/account/password"],
)
def test_a_form_without_the_csrf_token_is_refused(server: Server, action: str) -> None:
    with server.client("admin") as client:
        missing = client.post(action, data={"name": "n", "slug": "csrf-test", "display_name": "d", "kind": "csv"})
        forged = client.post(action, data={"name": "n", "slug": "csrf-test", "csrf_token": "forged"})
    assert missing.status_code == 403 and "CSRF" in missing.text
    assert forged.status_code == 403
