"""The key that signs session cookies and CSRF tokens.

It comes from ``$CLIPPINGS_SECRET_KEY`` or from the file
``$CLIPPINGS_HOME/secret.key``, which is created on first start with mode
0600 (owner read/write only) when absent; never from ``sources.yaml``, which
lives in a repository. Changing the key logs everyone out.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from scraper.models.errors import SecretKeyError
from storage.files import private_dir

log = logging.getLogger(__name__)

ENV_KEY = "CLIPPINGS_SECRET_KEY"
KEY_FILE = "secret.key"
MIN_KEY_CHARS = 32  # a shorter key from the environment is refused


def clippings_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("CLIPPINGS_HOME") or Path.home() / ".local/share/clippings")


def load_secret_key(*, env: Mapping[str, str] | None = None, home: Path | None = None) -> bytes:
    """The signing key: the environment's, else the key file's (created if absent)."""
    env = os.environ if env is None else env
    value = env.get(ENV_KEY, "").strip()
    if value:
        if len(value) < MIN_KEY_CHARS:
            raise SecretKeyError(
                f"{ENV_KEY} is shorter than {MIN_KEY_CHARS} characters; "
                'make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        return value.encode("utf-8")
    path = (home or clippings_home(env)) / KEY_FILE
    return _key_file(path)


def _key_file(path: Path) -> bytes:
    private_dir(path.parent)
    try:
        # O_EXCL: two processes starting at once cannot both write a key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
        log.info("created a new secret key in %s", path)
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s is readable by other users; run: chmod 600 %s", path, path)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_KEY_CHARS:
        raise SecretKeyError(f"{path} holds fewer than {MIN_KEY_CHARS} characters")
    return key.encode("utf-8")
