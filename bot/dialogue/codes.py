"""Case codes: made with `secrets`, kept only as a slow salted hash (hashlib.scrypt, a salt per
code), and found again by a short keyed lookup prefix, so a look-up verifies a handful of hashes
rather than every one. The lookup key is derived from the signing secret: the database alone
cannot even tell which prefix a code has.

The screen that follows a code (the dialogue modal) carries a sealed capability in its metadata:
the case id and an expiry, signed with the same server key. It is not the code, names nobody,
and cannot be forged or stretched by a client.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import datetime, timedelta

from bot.dialogue.rules import ALPHABET, LENGTH

# scrypt's cost: 16 MiB and some tens of milliseconds per hash. Stored with each hash, so it can grow.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
LOOKUP_CHARS = 4  # 16 bits: short, so the prefix alone says little even to someone with the key
SEAL_FOR = timedelta(hours=2)


def server_key(signing_secret: str) -> bytes:
    """The dialogue's own key, derived from the signing secret (never the secret itself)."""
    return hmac.new(signing_secret.encode(), b"avviksboten:dialogue:v1", hashlib.sha256).digest()


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def lookup(key: bytes, code: str) -> str:
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()[:LOOKUP_CHARS]


def hashed(code: str, salt: bytes | None = None, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(code.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def matches(code: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, _ = stored.split("$")
        if scheme != "scrypt":
            return False
        again = hashed(code, bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(again, stored)


# A hash no code matches (an all-zero digest), with the same cost as a real one: a look-up with no
# candidate verifies this instead, so a wrong code costs the same time whether or not some case shares
# its prefix. Written out rather than computed, so importing this module costs no scrypt (16 MiB).
_DECOY = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${'00' * 16}${'00' * 32}"


def verify_none(code: str) -> None:
    matches(code, _DECOY)


def seal(key: bytes, deviation_id: int, now: datetime) -> dict[str, object]:
    until = int((now + SEAL_FOR).timestamp())
    return {"case": deviation_id, "until": until, "sig": _signature(key, deviation_id, until)}


def unseal(key: bytes, sealed: dict[str, object], now: datetime) -> int | None:
    """The case a sealed capability opens, or None when it is forged, altered or expired."""
    case, until, sig = sealed.get("case"), sealed.get("until"), sealed.get("sig")
    if not (isinstance(case, int) and isinstance(until, int) and isinstance(sig, str)):
        return None
    if not hmac.compare_digest(_signature(key, case, until), sig) or now.timestamp() > until:
        return None
    return case


def _signature(key: bytes, deviation_id: int, until: int) -> str:
    return hmac.new(key, f"case:{deviation_id}:{until}".encode(), hashlib.sha256).hexdigest()[:32]


_SHOWN = re.compile(rf"(?<![0-9A-Z])[{ALPHABET}]{{4}}(?:-[{ALPHABET}]{{4}}){{3}}(?![0-9A-Z])")


class RedactCodes(logging.Filter):
    """Bolt logs its answers at DEBUG, and the receipt's answer shows the code: the code never
    reaches a log line, whatever the level."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _SHOWN.sub("[kode]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
