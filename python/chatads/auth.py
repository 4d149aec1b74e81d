"""API keys with roles, for the gRPC server.

A caller sends `authorization: Bearer <key>` in the call's metadata. Keys come
from `CHATADS_API_KEYS` ("exchange:KEY,admin:KEY") and/or the file named by
`CHATADS_API_KEYS_FILE` (one `role key` per line, `#` comments). Only SHA-256
digests of the keys are kept (in Rust, `rust/src/server/auth.rs`), a presented
key is compared with every digest in constant time, and no key is ever logged.

    exchange  AdScoring (Score, Chat), Diagnostics.Echo
    admin     everything exchange may call, plus Catalog and Privacy
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from pathlib import Path

from chatads import _core

log = logging.getLogger("chatads.auth")


class ApiKeyError(ValueError):
    """A key list that cannot be used (unknown role, short key); the message never
    contains a key."""


class ApiKeys:
    """The configured keys, held by the engine core as SHA-256 digests with their roles
    (`chatads._core.ApiKeys`): the one implementation both transports check calls with.
    Python only reads the sources (environment variable, file)."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()) -> None:
        try:
            self.core = _core.ApiKeys(list(entries))
        except _core.InvalidArgumentError as exc:
            raise ApiKeyError(str(exc)) from None

    @classmethod
    def parse_env(cls, value: str) -> list[tuple[str, str]]:
        """`exchange:KEY,admin:KEY` -> [(role, key), ...]."""
        out = []
        for n, item in enumerate((i.strip() for i in value.split(",")), start=1):
            if not item:
                continue
            role, sep, key = item.partition(":")
            if not sep:
                raise ApiKeyError(f"CHATADS_API_KEYS item #{n}: expected role:key")
            out.append((role.strip(), key.strip()))
        return out

    @classmethod
    def parse_file(cls, path: Path) -> list[tuple[str, str]]:
        """Lines `role key`; blank lines and `#` comments are skipped."""
        if path.stat().st_mode & 0o077:
            log.warning("%s: API key file readable by other users (chmod 600 it)", path)
        out = []
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2:
                raise ApiKeyError(f"{path}:{n}: expected 'role key'")
            out.append((parts[0], parts[1]))
        return out

    @classmethod
    def load(cls, env_value: str | None, file: Path | None) -> ApiKeys:
        entries = cls.parse_env(env_value) if env_value else []
        if file is not None:
            entries += cls.parse_file(Path(file).expanduser())
        return cls(entries)

    def __len__(self) -> int:
        return len(self.core)

    def roles(self) -> dict[str, int]:
        """How many keys each role has (for the start-up log line)."""
        return dict(self.core.roles())

    def role_of(self, key: str) -> str | None:
        """The role of `key`, or None (every digest is compared, in constant time)."""
        return self.core.role_of(key)


def is_loopback(host: str) -> bool:
    """Whether `host` (as given to the server) only accepts local connections."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
