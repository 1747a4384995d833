"""PII at rest: AES-256-GCM field encryption and a keyed hash for lookups."""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12
_VERSION = b"\x01"


class DecryptionError(ValueError):
    """A ciphertext could not be authenticated with the configured key."""


def _derive(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"qingshou", info=purpose).derive(key)


class FieldCipher:
    """Encrypts single column values; each value gets its own random nonce.

    Layout of a stored value: ``version (1) | nonce (12) | ciphertext+tag``. The column name is bound as
    associated data, so a value copied into another column fails to decrypt.
    """

    def __init__(self, master_key: bytes) -> None:
        if len(master_key) != 32:
            raise ValueError("master key must be 32 bytes")
        self._aead = AESGCM(_derive(master_key, b"field-encryption-v1"))
        self._hash_key = _derive(master_key, b"lookup-hash-v1")

    def encrypt(self, plaintext: str, column: str) -> bytes:
        """Encrypt ``plaintext`` for ``column``."""
        nonce = os.urandom(_NONCE)
        return _VERSION + nonce + self._aead.encrypt(nonce, plaintext.encode("utf-8"), column.encode())

    def decrypt(self, blob: bytes, column: str) -> str:
        """Decrypt a value stored in ``column``."""
        if not blob or blob[:1] != _VERSION:
            raise DecryptionError(f"{column}: unknown ciphertext version")
        try:
            raw = self._aead.decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], column.encode())
        except InvalidTag as exc:
            raise DecryptionError(f"{column}: ciphertext failed authentication") from exc
        return raw.decode("utf-8")

    def lookup_hash(self, value: str) -> str:
        """Keyed hash (HMAC-SHA256, hex, 32 chars) of a normalised value, for equality lookups."""
        norm = "".join(value.split()).upper()
        return hmac.digest(self._hash_key, norm.encode("utf-8"), hashlib.sha256).hex()[:32]
