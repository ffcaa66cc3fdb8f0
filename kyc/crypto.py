"""Encryption at rest and the keyed hash for KYC data.

Keys come from the environment (``KYC_ENCRYPTION_KEY``, ``KYC_LOOKUP_KEY``). Left unset, as
on the embedded default, each is made once and kept in a file under var/ readable by its
owner alone, so a restarted process still decrypts what an earlier one stored.
"""

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _local_key(name: str, make) -> bytes:
    path = Path(settings.KYC_LOCAL_KEY_DIR) / name
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting together keep one key, the first one written.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(make())
    return path.read_bytes().strip()


@functools.cache
def _fernet() -> MultiFernet:
    # The first key encrypts; every key decrypts, so a new key can be put in front of the old.
    keys = [key.encode() for key in settings.KYC_ENCRYPTION_KEYS] or [
        _local_key("kyc-encryption.key", Fernet.generate_key)
    ]
    return MultiFernet([Fernet(key) for key in keys])


@functools.cache
def _lookup_key() -> bytes:
    if settings.KYC_LOOKUP_KEY:
        return settings.KYC_LOOKUP_KEY.encode()
    return _local_key("kyc-lookup.key", lambda: secrets.token_hex(32).encode())


def encrypt(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt(token: bytes) -> bytes:
    """The plaintext; raises ``InvalidToken`` if no configured key made ``token``."""
    return _fernet().decrypt(token)


def normalise_national_id(number: str) -> str:
    """One spelling per number: staff find "ab 12-34" when the customer typed "AB1234"."""
    return "".join(character for character in number.upper() if character.isalnum())


def lookup_hash(national_id: str) -> str:
    """The keyed hash staff search by: equal numbers match, and without the key the hash
    cannot be reversed by trying every number of a country's format."""
    normalised = normalise_national_id(national_id).encode()
    return hmac.new(_lookup_key(), normalised, hashlib.sha256).hexdigest()


__all__ = ["InvalidToken", "decrypt", "encrypt", "lookup_hash", "normalise_national_id"]
