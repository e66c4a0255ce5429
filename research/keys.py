"""The pseudonymisation key: from $XJS_PSEUDONYM_KEY, else a local key file.

The key decides every pseudonym: the same key gives the same pseudonyms in every
release; a new key changes them all. It is never logged or written anywhere but
the key file. `python -m research.keys` creates the local key file (mode 0600)
when neither exists; `make demo` runs it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path

from xjs.layout import REPO_ROOT, secure_dir

KEY_ENV = "XJS_PSEUDONYM_KEY"
DEFAULT_KEY_FILE = REPO_ROOT / ".secrets" / "pseudonym.key"  # .secrets/ is git-ignored
MIN_KEY_CHARS = 32


class PseudonymKeyError(RuntimeError):
    """A missing or unusable key; the message never contains the key."""


def _check(text: str, where: str) -> bytes:
    text = text.strip()
    if len(text) < MIN_KEY_CHARS:
        raise PseudonymKeyError(
            f"the pseudonym key from {where} is shorter than {MIN_KEY_CHARS} characters"
        )
    return text.encode("utf-8")


def create_key_file(path: Path = DEFAULT_KEY_FILE) -> bool:
    """Create a random key file readable by its owner only; False if one exists.

    Written to a private temporary file and hard-linked into place, so two
    processes racing to create it end up sharing one complete key.
    """
    secure_dir(path.parent)  # 0700 whatever the umask
    if path.exists():
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def load_key(path: Path = DEFAULT_KEY_FILE, create: bool = False) -> bytes:
    """The key: $XJS_PSEUDONYM_KEY if set, else the key file (created if asked)."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return _check(from_env, f"${KEY_ENV}")
    if create:
        create_key_file(path)
    if not path.exists():
        raise PseudonymKeyError(
            f"no pseudonym key: set ${KEY_ENV} or create {path} (python -m research.keys)"
        )
    if path.stat().st_mode & 0o077:
        raise PseudonymKeyError(f"{path} is readable by others: chmod 600 it")
    return _check(path.read_text(), str(path))


def key_id(key: bytes) -> str:
    """A short public fingerprint: equal ids mean pseudonyms are comparable across releases."""
    return hmac.new(key, b"xjs key id", hashlib.sha256).hexdigest()[:12]


def main() -> None:
    if os.environ.get(KEY_ENV):
        print(f"using ${KEY_ENV}")
        return
    created = create_key_file()
    print(f"{'created' if created else 'using'} {DEFAULT_KEY_FILE}")
    load_key()  # checks length and permissions


if __name__ == "__main__":
    try:
        main()
    except PseudonymKeyError as err:
        sys.exit(str(err))
