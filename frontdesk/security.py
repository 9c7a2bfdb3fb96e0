"""Secrets at rest: password hashes, the district key, keyed hashes, tokens and sealed values.

Nothing secret is ever stored readable. Passwords are argon2id hashes; SSN digits, reset
codes and tokens are HMAC-SHA256 under the district key, which lives in a file outside the
database (mode 0600), so a stolen database alone does not give them up. What must be read
back later (the code and link of a reset mail waiting in the outbox) is sealed with
AES-256-GCM under a key derived from the district key (:meth:`Keyring.seal`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
_SEAL_VERSION = b"\x01"
"""Leads every sealed value: which derivation and cipher made it (for a later change)."""
_NONCE_BYTES = 12


class SealBroken(Exception):
    """A sealed value cannot be opened: sealed under another key, for another purpose or
    another record, or altered since. The message never holds any of the value."""


MAX_PASSWORD_LENGTH = 128
"""Longest password accepted, in characters (NIST asks for at least 64)."""
_MOST_CODE_POINTS_PER_CHARACTER = 4
"""NFC joins at most three code points into one character (Hangul jamo, stacked accents)."""


def password_length(password: str) -> int:
    """The length of ``password`` as NIST counts it: Unicode characters after NFC.

    A text far over the limit is not normalised at all (a pasted 10 MB text costs nothing).
    """
    if len(password) > MAX_PASSWORD_LENGTH * _MOST_CODE_POINTS_PER_CHARACTER:
        return len(password)
    return len(unicodedata.normalize("NFC", password))


def password_too_long(password: str) -> bool:
    """Whether ``password`` is over :data:`MAX_PASSWORD_LENGTH`: never hashed, never accepted."""
    return password_length(password) > MAX_PASSWORD_LENGTH


@dataclass(frozen=True)
class HashParameters:
    """argon2id cost. The default is OWASP's minimum: 19 MiB, 2 iterations, 1 lane."""

    memory_kib: int = 19 * 1024
    iterations: int = 2
    lanes: int = 1


def _b64(data: bytes) -> str:
    """Base64 as argon2's hash strings write it (no padding)."""
    return base64.b64encode(data).decode().rstrip("=")


def _utf8(password: str) -> bytes:
    # argon2 hashes a str as strict UTF-8, which a lone surrogate (typed by no keyboard, but
    # sent by a broken client) makes fail; the same bytes for every other password.
    return password.encode("utf-8", "surrogatepass")


class PasswordHasher:
    """Hashes and checks passwords with argon2id."""

    def __init__(self, parameters: HashParameters = HashParameters()) -> None:
        self.parameters = parameters
        self._argon2 = _Argon2(
            time_cost=parameters.iterations,
            memory_cost=parameters.memory_kib,
            parallelism=parameters.lanes,
            type=Type.ID,
        )
        # Checking a password against this keeps a sign-in for an unknown user as slow as
        # one for a known user, so timing does not tell which accounts exist. A random salt
        # and digest make a well-formed hash no password matches, without hashing at start-up.
        self._decoy = (
            f"$argon2id$v=19$m={parameters.memory_kib},t={parameters.iterations},"
            f"p={parameters.lanes}${_b64(os.urandom(16))}${_b64(os.urandom(32))}"
        )

    def hash(self, password: str) -> str:
        """A new salted hash of ``password``; the password policy refused longer ones already."""
        if password_too_long(password):
            raise ValueError("password over the length limit")
        return self._argon2.hash(_utf8(password))

    def verify(self, stored_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored_hash``; ``None`` spends the same time and fails.

        A password over the limit never matches and is not hashed: a short stand-in is checked
        instead, so a 10 MB sign-in costs what any other wrong password costs."""
        if password_too_long(password):
            self._check(stored_hash, "")
            return False
        return self._check(stored_hash, password)

    def _check(self, stored_hash: str | None, password: str) -> bool:
        try:
            secret = _utf8(password)
            return self._argon2.verify(stored_hash or self._decoy, secret) and bool(stored_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        """Whether the hash was made with other parameters than the current ones."""
        return self._argon2.check_needs_rehash(stored_hash)


class Keyring:
    """The district's secret key and the keyed hashes made with it."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("district key too short")
        self._key = key
        self._ciphers: dict[str, AESGCM] = {}
        # Keying HMAC costs two compressions; copying a keyed base spares them on each digest.
        self._hmac = hmac.new(key, digestmod=hashlib.sha256)

    @classmethod
    def from_file(cls, path: Path, create: bool = True) -> Keyring:
        """Load the key file, making one (mode 0600) when it does not exist yet."""
        if not path.exists() and create:
            path.parent.mkdir(parents=True, exist_ok=True)
            key = secrets.token_bytes(KEY_BYTES)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(key.hex().encode() + b"\n")
        return cls(bytes.fromhex(path.read_text().strip()))

    def digest(self, purpose: str, *parts: str) -> str:
        """HMAC-SHA256 of ``parts`` for one ``purpose``, as hex."""
        message = "\x1f".join((purpose, *parts)).encode()
        mac = self._hmac.copy()
        mac.update(message)
        return mac.hexdigest()

    def roster_hasher(self, purpose: str) -> Callable[[Sequence[str]], str]:
        """A fast keyed fingerprint of a roster row (its values in order), for ``purpose``.

        BLAKE2b keyed with a key derived from the district key for this purpose: it tells
        whether a row changed since the last import and reveals nothing about what it holds
        (SSN digits included) to anyone without the key. The key is set up once; each row
        costs one copy and one hash of an unambiguous text of its values (different rows never
        give the same text).
        """
        base = hashlib.blake2b(
            key=bytes.fromhex(self.digest("roster-row-v1", purpose)), digest_size=16
        )

        copy = base.copy

        def fingerprint(values: Sequence[str]) -> str:
            # Called for every row of a roster: kept to a few C calls.
            text = "\x1f".join(values)
            if len(values) < 2 or text.count("\x1f") != len(values) - 1:
                # A separator inside a value would make the joined text ambiguous; repr is
                # not (and never holds a raw separator, so it cannot equal a joined text).
                text = repr(list(values))
            row = copy()
            try:
                row.update(text.encode())
            except UnicodeEncodeError:  # undecodable bytes, kept as lone surrogates
                row.update(text.encode("utf-8", "surrogatepass"))
            return row.hexdigest()

        return fingerprint

    def roster_file_digest(self, path: Path) -> str:
        """A keyed fingerprint of a roster file's bytes: whether it is the one imported before."""
        key = bytes.fromhex(self.digest("roster-file-v1", path.name))
        with path.open("rb") as file:
            digest = hashlib.file_digest(file, lambda: hashlib.blake2b(key=key, digest_size=16))
        return digest.hexdigest()

    def roster_fingerprints(self, purpose: str) -> Callable[[Sequence[Sequence[str]]], list[str]]:
        """:meth:`roster_hasher` for many rows at once: the same digests, for less.

        The rows' texts are made in passes that run in C; when a value holds the separator
        or bytes that were not UTF-8, the rows go one by one instead.
        """
        copy = hashlib.blake2b(
            key=bytes.fromhex(self.digest("roster-row-v1", purpose)), digest_size=16
        ).copy
        one_by_one = self.roster_hasher(purpose)

        def fingerprints(rows: Sequence[Sequence[str]]) -> list[str]:
            texts = list(map("\x1f".join, rows))
            separators = sum(map(len, rows)) - len(rows)
            if (
                not rows
                or min(map(len, rows)) < 2
                or "\x1f".join(texts).count("\x1f") != separators + len(texts) - 1
            ):
                return list(map(one_by_one, rows))
            try:
                encoded = list(map(str.encode, texts))
            except UnicodeEncodeError:
                return list(map(one_by_one, rows))
            digests = []
            for text in encoded:
                row = copy()
                row.update(text)
                digests.append(row.hexdigest())
            return digests

        return fingerprints

    def ssn_last4_digest(self, student_number: str, last4: str) -> str:
        """The stored form of a student's last four SSN digits (salted by student number)."""
        return self.digest("ssn4", student_number, last4)

    def ssn_last4_digester(self) -> Callable[[str, str], str]:
        """:meth:`ssn_last4_digest` for a whole roster: the same digests, for less."""
        copy = self._hmac.copy

        def ssn_last4_digest(student_number: str, last4: str) -> str:
            mac = copy()
            mac.update(f"ssn4\x1f{student_number}\x1f{last4}".encode())
            return mac.hexdigest()

        return ssn_last4_digest

    def _cipher(self, purpose: str) -> AESGCM:
        cipher = self._ciphers.get(purpose)
        if cipher is None:
            # Imported here: the cipher costs 50 ms to import, which a kiosk start need not pay.
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            from cryptography.hazmat.primitives.hashes import SHA256
            from cryptography.hazmat.primitives.kdf.hkdf import HKDF

            derived = HKDF(
                algorithm=SHA256(), length=32, salt=None, info=f"frontdesk/{purpose}".encode()
            ).derive(self._key)
            cipher = self._ciphers[purpose] = AESGCM(derived)
        return cipher

    def seal(self, purpose: str, plaintext: bytes, associated: bytes) -> bytes:
        """``plaintext`` encrypted and authenticated (AES-256-GCM, random 96-bit nonce) under a
        key derived from the district key for ``purpose`` (HKDF-SHA256).

        ``associated`` (the record the value belongs to) is authenticated, not stored: the
        value opens only for that record, so sealed values cannot be swapped between rows.
        """
        nonce = os.urandom(_NONCE_BYTES)
        return _SEAL_VERSION + nonce + self._cipher(purpose).encrypt(nonce, plaintext, associated)

    def unseal(self, purpose: str, sealed: bytes, associated: bytes) -> bytes:
        """The plaintext of :meth:`seal`; raises :class:`SealBroken` if it cannot be opened."""
        from cryptography.exceptions import InvalidTag

        version, nonce = sealed[:1], sealed[1 : 1 + _NONCE_BYTES]
        if version != _SEAL_VERSION or len(sealed) < 1 + _NONCE_BYTES + 16:
            raise SealBroken("not a sealed value of this version")
        try:
            return self._cipher(purpose).decrypt(nonce, sealed[1 + _NONCE_BYTES :], associated)
        except InvalidTag:
            raise SealBroken(
                "sealed under another district key, or altered since it was sealed"
            ) from None

    @property
    def fingerprint(self) -> str:
        """A short public check value: tells whether a key file belongs to a database."""
        return self.digest("fingerprint")[:16]


def digests_equal(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two stored digests."""
    return a is not None and b is not None and hmac.compare_digest(a, b)


def new_token() -> str:
    """A URL-safe random token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """How a high-entropy token is stored (a plain SHA-256 suffices for 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()
