"""Secrets: password hashes (argon2), API token digests, the app's secret key, credential encryption."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.fernet import Fernet, InvalidToken

from kith.config import Settings, get_settings

TOKEN_PREFIX = "kith_"  # noqa: S105  (a public marker, not a secret)
_hasher = PasswordHasher()  # argon2id with the library's (OWASP-aligned) defaults


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_api_token() -> str:
    """A personal API token: prefix + 256 random bits (shown to the user once)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Tokens are high-entropy random strings, so SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


def secret_key(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    if settings.secret_key:
        return settings.secret_key
    return _file_secret(str(settings.secret_file))


@cache
def _file_secret(path: str) -> str:
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            value = handle.read().strip()
        if value:
            return value
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


def _fernet() -> Fernet:
    digest = hashlib.sha256(("kith-channel-credentials:" + secret_key()).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(text: str) -> bytes:
    return _fernet().encrypt(text.encode())


def decrypt(ciphertext: bytes) -> str:
    try:
        return _fernet().decrypt(ciphertext).decode()
    except InvalidToken as exc:
        raise ValueError("stored credentials cannot be decrypted with the current KITH_SECRET_KEY") from exc
