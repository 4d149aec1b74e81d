"""API keys with roles, for the gRPC server.

A caller sends `authorization: Bearer <key>` in the call's metadata. Keys come
from `CHATADS_API_KEYS` ("exchange:KEY,admin:KEY") and/or the file named by
`CHATADS_API_KEYS_FILE` (one `role key` per line, `#` comments). Only SHA-256
digests of the keys are kept, a presented key is compared with every digest
in constant time (`hmac.compare_digest`), and no key is ever logged.

    exchange  AdScoring (Score, Chat), Diagnostics.Echo
    admin     everything exchange may call, plus Catalog and Privacy
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

log = logging.getLogger("chatads.auth")

ROLES = ("exchange", "admin")
MIN_KEY_CHARS = 16

#: Which roles may call each service (health and reflection are not listed: open).
SERVICE_ROLES: dict[str, frozenset[str]] = {
    "chatads.v1.AdScoring": frozenset({"exchange", "admin"}),
    "chatads.v1.Diagnostics": frozenset({"exchange", "admin"}),
    "chatads.v1.Catalog": frozenset({"admin"}),
    "chatads.v1.Privacy": frozenset({"admin"}),
}


class ApiKeyError(ValueError):
    """A key list that cannot be used (unknown role, short key); the message never
    contains a key."""


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


class ApiKeys:
    """Digests of the configured keys and the role of each."""

    def __init__(self, entries: Iterable[tuple[str, str]] = ()) -> None:
        self._entries: list[tuple[bytes, str]] = []
        for n, (role, key) in enumerate(entries, start=1):
            if role not in ROLES:
                raise ApiKeyError(f"api key #{n}: unknown role {role!r} (expected one of {ROLES})")
            if len(key) < MIN_KEY_CHARS or any(c.isspace() for c in key):
                raise ApiKeyError(
                    f"api key #{n} ({role}): must be at least {MIN_KEY_CHARS} characters, "
                    "without spaces"
                )
            self._entries.append((_digest(key), role))

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
        return len(self._entries)

    def roles(self) -> dict[str, int]:
        """How many keys each role has (for the start-up log line)."""
        counts = dict.fromkeys(ROLES, 0)
        for _, role in self._entries:
            counts[role] += 1
        return counts

    def role_of(self, key: str) -> str | None:
        """The role of `key`, or None. Every digest is compared, so the time taken does
        not depend on which key matched."""
        digest = _digest(key)
        role = None
        for known, known_role in self._entries:
            if hmac.compare_digest(known, digest):
                role = known_role
        return role


def bearer_token(metadata: Sequence[tuple[str, str | bytes]] | None) -> str | None:
    """The key from an `authorization: Bearer <key>` metadata entry."""
    for name, value in metadata or ():
        if name == "authorization":
            text = value.decode("latin-1") if isinstance(value, bytes) else value
            scheme, _, token = text.strip().partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


def is_loopback(host: str) -> bool:
    """Whether `host` (as given to the server) only accepts local connections."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
