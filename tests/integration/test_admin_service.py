"""Admin services on SQLite and PostgreSQL: keyset pages, the self-lockout rules, channel credentials."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from kith.auth.admin_service import (
    BrokenCursor,
    check_new_department,
    check_new_token,
    check_new_user_form,
    check_own_password_change,
    check_user_update,
    counts,
    department_choices,
    do_create_department,
    do_rename_department,
    do_set_password,
    do_update_user,
    list_departments,
    list_tokens,
    list_users,
)
from kith.auth.models import ApiToken
from kith.auth.security import decrypt, verify_password
from kith.auth.service import AuthError, department_by_slug, do_create_token, do_create_user, principal_for
from kith.channels.admin_service import (
    ChannelError,
    ChannelForm,
    check_channel_form,
    check_new_channel,
    count_channels,
    do_create_channel,
    do_set_enabled,
    do_update_channel,
    list_channels,
)
from kith.channels.models import Channel
from kith.config import get_settings
from kith.db import session_scope, utcnow

pytestmark = pytest.mark.storage
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def secret_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fixed key, so encryption never writes a key file into the working directory."""
    monkeypatch.setenv("KITH_SECRET_KEY", "test-key-for-admin-services")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def test_users_page_by_email_with_an_opaque_cursor(engine: Engine) -> None:
    with session_scope(engine) as session:
        for name in ("erin", "bob", "dave", "alice", "carol"):
            do_create_user(session, f"{name}@test.example", name.title(), PASSWORD, "agent")
    with session_scope(engine) as session:
        first = list_users(session, limit=2)
        assert [u.name for u in first.rows] == ["Alice", "Bob"]
        assert first.next_after == first.rows[-1].public_id
        second = list_users(session, first.next_after, limit=2)
        assert [u.name for u in second.rows] == ["Carol", "Dave"]
        last = list_users(session, second.next_after, limit=2)
        assert [u.name for u in last.rows] == ["Erin"] and last.next_after is None
        with pytest.raises(BrokenCursor):
            list_users(session, "not-a-user", limit=2)
        assert counts(session).users == 5


def test_an_admin_cannot_lock_themself_out_but_can_change_others(engine: Engine) -> None:
    with session_scope(engine) as session:
        admin = do_create_user(session, "root@test.example", "Root", PASSWORD, "admin")
        other = do_create_user(session, "other@test.example", "Other", PASSWORD, "admin")
        actor = principal_for(session, admin)
        with pytest.raises(AuthError, match="own admin role"):
            check_user_update(session, actor, admin, "agent", None, True)
        with pytest.raises(AuthError, match="deactivate your own"):
            check_user_update(session, actor, admin, "admin", None, False)
        with pytest.raises(AuthError, match="needs a department"):
            check_user_update(session, actor, other, "department", None, True)
        with pytest.raises(AuthError, match="unknown role"):
            check_user_update(session, actor, other, "root", None, True)
        check_user_update(session, actor, other, "department", "legal", False)
        do_update_user(session, other, "department", "legal", False)
    with session_scope(engine) as session:
        row = next(u for u in list_users(session).rows if u.email == "other@test.example")
        assert (row.role, row.department_slug, row.active) == ("department", "legal", False)


def test_new_user_form_rules(engine: Engine) -> None:
    with session_scope(engine) as session:
        department_choices(session)
        with pytest.raises(AuthError, match="needs a department; choose one"):
            check_new_user_form(session, "a@test.example", "A", PASSWORD, "department", None)
        with pytest.raises(AuthError, match="at least 10"):
            check_new_user_form(session, "a@test.example", "A", "short", "agent", None)
        with pytest.raises(AuthError, match="at most 320"):
            check_new_user_form(session, "a" * 320 + "@test.example", "A", PASSWORD, "agent", None)
        check_new_user_form(session, "a@test.example", "A", PASSWORD, "department", "sales")


def test_departments_create_rename_and_page(engine: Engine) -> None:
    with session_scope(engine) as session:
        defaults = list_departments(session)
        assert len(defaults.rows) == 6 and defaults.next_after is None
        with pytest.raises(AuthError, match="already exists"):
            check_new_department(session, "sales", "Sales again")
        for slug in ("Sales Team", "a--b", "-a", "a" * 65, ""):
            with pytest.raises(AuthError, match="lower-case"):
                check_new_department(session, slug, "X")
        with pytest.raises(AuthError, match="must not be empty"):
            check_new_department(session, "after-sales", " ")
        check_new_department(session, "after-sales", "After sales")
        dept = do_create_department(session, "after-sales", "After sales")
        do_rename_department(session, dept, "  After-sales care ")
    with session_scope(engine) as session:
        renamed = department_by_slug(session, "after-sales")
        assert renamed is not None and renamed.name == "After-sales care"
        first = list_departments(session, limit=4)
        rest = list_departments(session, first.next_after, limit=4)
        slugs = [d.slug for d in first.rows + rest.rows]
        assert slugs == sorted(slugs) and len(slugs) == 7 and rest.next_after is None


def test_own_password_change_needs_the_current_one(engine: Engine) -> None:
    with session_scope(engine) as session:
        user = do_create_user(session, "me@test.example", "Me", PASSWORD, "analyst")
        with pytest.raises(AuthError, match="current password is wrong"):
            check_own_password_change(user, "guess", "new-password-1", "new-password-1")
        with pytest.raises(AuthError, match="differ"):
            check_own_password_change(user, PASSWORD, "new-password-1", "new-password-2")
        with pytest.raises(AuthError, match="must differ from the current"):
            check_own_password_change(user, PASSWORD, PASSWORD, PASSWORD)
        check_own_password_change(user, PASSWORD, "new-password-1", "new-password-1")
        do_set_password(session, user, "new-password-1")
        assert verify_password(user.password_hash, "new-password-1")


def test_tokens_newest_first_with_revoked_ones_and_scope_rules(engine: Engine) -> None:
    with session_scope(engine) as session:
        user = do_create_user(session, "tok@test.example", "Tok", PASSWORD, "agent")
        other = do_create_user(session, "else@test.example", "Else", PASSWORD, "agent")
        principal = principal_for(session, user)
        with pytest.raises(AuthError, match="only an admin"):
            check_new_token(principal, "x", ["admin"])
        with pytest.raises(AuthError, match="at least one scope"):
            check_new_token(principal, "x", [])
        with pytest.raises(AuthError, match="give the token a name"):
            check_new_token(principal, " ", ["read"])
        now = utcnow()
        for i in range(5):
            token, _ = do_create_token(session, user, f"t{i}", ["read"])
            token.created_at = now + timedelta(seconds=i if i != 3 else 2)  # t2 and t3 tie: the id breaks it
        do_create_token(session, other, "not mine", ["read"])
        user_id = user.id
    with session_scope(engine) as session:
        first = list_tokens(session, user_id, limit=3)
        rest = list_tokens(session, user_id, first.next_after, limit=3)
        assert [t.name for t in first.rows] == ["t4", "t3", "t2"]
        assert [t.name for t in rest.rows] == ["t1", "t0"] and rest.next_after is None
        foreign = session.scalar(select(ApiToken.public_id).where(ApiToken.name == "not mine"))
        with pytest.raises(BrokenCursor):
            list_tokens(session, user_id, foreign, limit=3)


def test_channel_credentials_are_stored_encrypted_or_by_reference(engine: Engine) -> None:
    secret = "s3cr3t-value"
    with session_scope(engine) as session:
        with pytest.raises(ChannelError, match="lower-case"):
            check_new_channel(session, "X Support", "x", ChannelForm("X", "", "none"))
        with pytest.raises(ChannelError, match="unknown kind"):
            check_new_channel(session, "x-support", "myspace", ChannelForm("X", "", "none"))
        with pytest.raises(ChannelError, match="environment variable"):
            check_new_channel(session, "x-support", "x", ChannelForm("X", "", "env", "lower"))
        with pytest.raises(ChannelError, match="how the credentials"):
            check_new_channel(session, "x-support", "x", ChannelForm("X", "", "keep"))
        form = ChannelForm("X support", "@acme", "secret", "", secret)
        check_new_channel(session, "x-support", "x", form)
        x = do_create_channel(session, "x-support", "x", form)
        mail = do_create_channel(session, "mail", "email", ChannelForm("Mail", "", "env", "KITH_MAIL"))
        with pytest.raises(ChannelError, match="already exists"):
            check_new_channel(session, "x-support", "x", form)
        x_id, mail_id = x.id, mail.id
    with session_scope(engine) as session:
        x = session.get_one(Channel, x_id)
        assert x.credentials_encrypted and secret.encode() not in x.credentials_encrypted
        assert decrypt(x.credentials_encrypted) == secret and x.credentials_ref is None
        rows = {r.name: r for r in list_channels(session).rows}
        assert rows["x-support"].credentials == "encrypted" and rows["x-support"].credentials_ref is None
        assert rows["mail"].credentials == "env" and rows["mail"].credentials_ref == "KITH_MAIL"
        assert secret not in repr(rows)
        keep = ChannelForm("X desk", "", "keep")
        check_channel_form(keep, editing=True)
        do_update_channel(session, x, keep)
        assert x.credentials_encrypted and x.account is None and x.display_name == "X desk"
        mail = session.get_one(Channel, mail_id)
        do_update_channel(session, mail, ChannelForm("Mail", "", "secret", "", "other"))
        assert mail.credentials_ref is None and decrypt(mail.credentials_encrypted or b"") == "other"
        do_update_channel(session, x, ChannelForm("X desk", "", "none"))
        assert x.credentials_encrypted is None and x.credentials_ref is None
        do_set_enabled(session, x, False)
    with session_scope(engine) as session:
        assert count_channels(session) == (2, 1)
        first = list_channels(session, limit=1)
        assert [r.name for r in first.rows] == ["mail"]
        assert [r.name for r in list_channels(session, first.next_after, limit=1).rows] == ["x-support"]
