"""Login throttling that holds under concurrency and across processes.

Three counters live in ``login_failures`` (one row per key):

- ``pair:NAME|ADDRESS``: attempts for one account from one address. An attempt
  takes a *slot* here before its password is verified, in one conditional
  UPDATE (``count < max_failures``), so however many requests arrive at once,
  from however many ``serve`` processes, at most ``max_failures`` passwords are
  verified per pair and window. When the slots are used up by failures, the
  pair is locked for ``lockout``. Other addresses are not locked out, so an
  attacker elsewhere cannot keep staff out of their account.
- ``user:NAME``: failures for an account from anywhere. Past ``slow_after``
  they delay every further verification of that account (growing, capped), so a
  guesser spread over many addresses is slowed down without locking anyone out.
- ``ip:ADDRESS``: failures from one address over every name (password spraying),
  delayed the same way past ``slow_after_address``; never a lock, since an
  office shares one address.

``NAME`` is the login name without spaces, case-folded: "Alice", "ALICE" and
" alice" share their counters. A successful login clears the pair and the
account. ``unlock(name)`` clears every counter of an account.

Conditional UPDATEs are atomic on SQLite (one writer at a time) and on
PostgreSQL (READ COMMITTED re-checks the WHERE clause on the row it waited for).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from storage.review_tables import LoginFailureRow
from storage.store import Store

T = LoginFailureRow


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """How failed logins are limited, locked and slowed down."""

    max_failures: int = 5  # per account and address within ``window``; then locked
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    slow_after: int = 5  # account failures from anywhere before verifications are delayed
    slow_after_address: int = 20  # failures from one address, over every name
    delay_base: float = 0.5  # seconds at the first delayed attempt, doubling, up to delay_max
    delay_max: float = 8.0

    def delay(self, excess: int) -> float:
        """Seconds before the ``excess``-th attempt past the free ones (0 for none)."""
        if excess <= 0:
            return 0.0
        return float(min(self.delay_base * 2 ** (excess - 1), self.delay_max))

    def wait(self, *, account_failures: int, address_failures: int) -> float:
        """Seconds to wait before verifying, from the failures counted so far."""
        return max(
            self.delay(account_failures - self.slow_after + 1),
            self.delay(address_failures - self.slow_after_address + 1),
        )


@dataclass(frozen=True, slots=True)
class Attempt:
    """The outcome of asking for a slot: ``allowed``, or locked until ``retry_at``."""

    allowed: bool
    retry_at: datetime | None = None
    account_failures: int = 0
    address_failures: int = 0


def account_key(name: str) -> str:
    """``" Alice "`` -> ``"alice"``: the throttling identity of a login name."""
    return "".join(name.split()).casefold()[:100]


def _pair(name: str, address: str) -> str:
    return f"pair:{account_key(name)}|{address[:64]}"


def _user(name: str) -> str:
    return f"user:{account_key(name)}"


def _ip(address: str) -> str:
    return f"ip:{address[:64]}"


def _rows(result: Any) -> int:
    """Rows an UPDATE or DELETE changed."""
    return max(0, cast(CursorResult[Any], result).rowcount or 0)


class LoginThrottle:
    """Slots, failures and locks of desk logins, over the store's engine."""

    def __init__(self, store: Store, policy: LoginPolicy) -> None:
        self.store = store
        self.policy = policy

    def _expired(self, now: datetime) -> ColumnElement[bool]:
        """SQL: the row's window (or lock) is over, so it starts afresh."""
        return or_(
            and_(T.locked_until.is_(None), T.first_at <= now - self.policy.window),
            T.locked_until <= now,
        )

    def _ensure(self, session: Session, key: str, now: datetime) -> None:
        """The row of ``key`` exists (INSERT ... ON CONFLICT DO NOTHING)."""
        module = postgresql if self.store.dialect == "postgresql" else sqlite
        statement = module.insert(T.__table__).values(
            key=key, count=0, first_at=now, last_at=now, locked_until=None
        )
        session.execute(statement.on_conflict_do_nothing())

    def take_slot(self, name: str, address: str, *, now: datetime) -> Attempt:
        """Reserve one password check for ``name`` from ``address``, or say until when not."""
        key = _pair(name, address)
        expired = self._expired(now)
        with self.store.session() as session, session.begin():
            self._ensure(session, key, now)
            taken = _rows(
                session.execute(
                    update(T)
                    .where(
                        T.key == key,
                        or_(
                            expired,
                            and_(
                                T.count < self.policy.max_failures,
                                or_(T.locked_until.is_(None), T.locked_until <= now),
                            ),
                        ),
                    )
                    .values(
                        count=case((expired, 1), else_=T.count + 1),
                        first_at=case((expired, now), else_=T.first_at),
                        locked_until=case((expired, None), else_=T.locked_until),
                        last_at=now,
                    )
                    .execution_options(synchronize_session=False)
                )
            )
            if not taken:
                row = session.get(T, key)
                retry = (row.locked_until or row.first_at + self.policy.window) if row else None
                return Attempt(allowed=False, retry_at=retry)
            rows = session.execute(
                select(T.key, T.count).where(
                    T.key.in_([_user(name), _ip(address)]),
                    T.last_at > now - self.policy.window,
                )
            )
            counts: dict[str, int] = {}
            for key, count in rows:
                counts[key] = count
        return Attempt(
            allowed=True,
            account_failures=counts.get(_user(name), 0),
            address_failures=counts.get(_ip(address), 0),
        )

    def give_back(self, name: str, address: str) -> None:
        """Return a slot whose password was never checked (the server was busy)."""
        with self.store.session() as session, session.begin():
            session.execute(
                update(T)
                .where(T.key == _pair(name, address), T.count > 0)
                .values(count=T.count - 1)
                .execution_options(synchronize_session=False)
            )

    def failed(self, name: str, address: str, *, now: datetime) -> bool:
        """Count a wrong password; True when this failure locked the pair."""
        policy = self.policy
        with self.store.session() as session, session.begin():
            locked = _rows(
                session.execute(
                    update(T)
                    .where(
                        T.key == _pair(name, address),
                        T.count >= policy.max_failures,
                        T.locked_until.is_(None),
                    )
                    .values(locked_until=now + policy.lockout, last_at=now)
                    .execution_options(synchronize_session=False)
                )
            )
            for key in (_user(name), _ip(address)):
                self._ensure(session, key, now)
                stale = T.last_at <= now - policy.window
                session.execute(
                    update(T)
                    .where(T.key == key)
                    .values(
                        count=case((stale, 1), else_=T.count + 1),
                        first_at=case((stale, now), else_=T.first_at),
                        last_at=now,
                    )
                    .execution_options(synchronize_session=False)
                )
            # Old rows of names nobody tried again (guessed names) do not pile up.
            session.execute(
                delete(T).where(
                    T.last_at < now - max(policy.window, policy.lockout) - timedelta(days=1),
                    or_(T.locked_until.is_(None), T.locked_until < now),
                )
            )
        return bool(locked)

    def succeeded(self, name: str, address: str) -> None:
        with self.store.session() as session, session.begin():
            session.execute(delete(T).where(T.key.in_([_pair(name, address), _user(name)])))

    def unlock(self, name: str) -> int:
        """Clear every lock and count of the account ``name``; returns rows removed."""
        prefix = f"pair:{account_key(name)}|"
        with self.store.session() as session, session.begin():
            return _rows(
                session.execute(
                    delete(T).where(
                        or_(
                            T.key == _user(name),
                            func.substr(T.key, 1, len(prefix)) == prefix,
                        )
                    )
                )
            )

    def locks(self, name: str, *, now: datetime) -> list[tuple[str, datetime]]:
        """``(address, locked until)`` of the account's pairs locked now."""
        prefix = f"pair:{account_key(name)}|"
        with self.store.session() as session:
            rows = session.execute(
                select(T.key, T.locked_until).where(
                    func.substr(T.key, 1, len(prefix)) == prefix, T.locked_until > now
                )
            )
            return [(key[len(prefix) :], until) for key, until in rows if until is not None]
