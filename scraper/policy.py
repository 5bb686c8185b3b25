"""When to check a source next: a pure function of its state and the response.

``next_check_at`` is data in the database; the scheduler only asks which
sources are due. The rules:

- after a success, the source's interval, with +-10 % jitter so sources
  configured alike do not all fire at once;
- after a failure, exponential backoff from the interval:
  ``interval * 2 ** (errors - 1)``, capped at ``max_backoff``, with jitter;
- a ``Retry-After`` from the server is a lower bound.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

JITTER = 0.10  # +-10 % of the delay


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    interval: timedelta
    min_interval: timedelta = timedelta(minutes=5)
    max_interval: timedelta = timedelta(hours=24)
    max_backoff: timedelta = timedelta(hours=24)


def _jitter(delay: timedelta, rng: random.Random) -> timedelta:
    return delay * (1 + rng.uniform(-JITTER, JITTER))


def next_check_at(
    *,
    now: datetime,
    policy: CheckPolicy,
    error_count: int = 0,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """The time of the next check; ``error_count`` counts this failure too."""
    rng = rng or random.Random()
    if error_count > 0:
        delay = min(policy.interval * 2 ** min(error_count - 1, 16), policy.max_backoff)
        delay = max(delay, min(policy.interval, policy.max_backoff))
    else:
        delay = policy.interval
    delay = _jitter(delay, rng)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=retry_after))
    return now + delay
