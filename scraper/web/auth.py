"""Passwords, session cookies and CSRF tokens of the review desk.

- Passwords are Argon2id hashes (argon2-cffi defaults); a login for an unknown
  name still verifies against a dummy hash, so timing does not reveal names.
- The session cookie is ``TOKEN.SIGNATURE``: a random token and its HMAC under
  the secret key. The database stores only SHA-256(TOKEN) (``session_id``), so
  sessions are revocable server-side and a database copy cannot be replayed.
- The CSRF token of a session is HMAC(key, "csrf|" + session_id); before login,
  the login form's token is HMAC(key, "login|" + nonce) with the nonce in its
  own cookie (double submit), so a third-party page cannot log a browser in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from storage.login_throttle import LoginPolicy

SESSION_COOKIE = "clippings_session"
LOGIN_COOKIE = "clippings_login"
FLASH_COOKIE = "clippings_flash"
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 1024  # longer input is cut before hashing (Argon2 time grows with it)

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """How the desk authenticates; ``https`` makes every cookie ``Secure``."""

    secret_key: bytes
    https: bool = False
    policy: LoginPolicy = field(default_factory=LoginPolicy)
    session_lifetime: timedelta = timedelta(days=14)  # absolute, from login
    session_idle: timedelta = timedelta(days=3)  # ends a session nobody used for this long
    touch_every: timedelta = timedelta(minutes=5)  # last-seen is written at most this often
    max_verifying: int = 2  # Argon2 checks in flight per process (about 64 MiB each)
    verify_wait: float = 5.0  # seconds a login waits for a free check before 429


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_strength(password: str) -> str | None:
    """A reason the password is refused, or None."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"a password needs at least {MIN_PASSWORD_CHARS} characters"
    return None


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; None (no such user) costs the same time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def _mac(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).hexdigest()


def new_session_cookie(key: bytes) -> tuple[str, str]:
    """``(cookie_value, session_id)`` for a new session."""
    token = secrets.token_urlsafe(32)
    return f"{token}.{_mac(key, 'cookie', token)}", session_id(token)


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_id_from_cookie(key: bytes, cookie: str | None) -> str | None:
    """The session id of a well-signed cookie, else None (no database lookup)."""
    if not cookie or "." not in cookie:
        return None
    token, _, signature = cookie.rpartition(".")
    if not token or not hmac.compare_digest(signature, _mac(key, "cookie", token)):
        return None
    return session_id(token)


def csrf_token(key: bytes, sid: str) -> str:
    return _mac(key, "csrf", sid)


def login_token(key: bytes, nonce: str) -> str:
    return _mac(key, "login", nonce)


def tokens_match(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")


def sign_flash(key: bytes, message: str) -> str:
    return f"{_mac(key, 'flash', message)[:32]}:{message}"


def read_flash(key: bytes, value: str | None) -> str | None:
    if not value or ":" not in value:
        return None
    signature, _, message = value.partition(":")
    return message if hmac.compare_digest(signature, _mac(key, "flash", message)[:32]) else None
