"""Secrets kept at rest encrypted (Fernet: AES-128-CBC + HMAC-SHA256): Saleor app tokens, Stripe secret keys.

Keys come from `APP_TOKEN_KEYS` (settings): a comma-separated list of Fernet keys, the first one encrypting,
all of them decrypting, so a key can be rotated by putting the new one first and re-saving (`rotate`).
When the setting is empty (the embedded default and tests) one key is derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class TokenDecryptionError(Exception):
    """A stored secret cannot be decrypted with any configured key (APP_TOKEN_KEYS lost or changed)."""


def derived_key(secret: str) -> bytes:
    """A Fernet key derived from SECRET_KEY, for deployments that set no APP_TOKEN_KEYS."""
    digest = hashlib.sha256(b"saleor-subscriptions app token key\x00" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@functools.cache
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    material = [key.encode() for key in keys] or [derived_key(secret)]
    return MultiFernet([Fernet(key) for key in material])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.APP_TOKEN_KEYS), settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode("ascii")


def decrypt(ciphertext: str) -> str:
    try:
        return fernet().decrypt(ciphertext.encode("ascii")).decode()
    except InvalidToken:
        raise TokenDecryptionError(
            "a stored secret cannot be decrypted with APP_TOKEN_KEYS (was a key removed?)"
        ) from None


def rotate(ciphertext: str) -> str:
    """The same token encrypted with the first (newest) key."""
    try:
        return fernet().rotate(ciphertext.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise TokenDecryptionError(
            "a stored secret cannot be decrypted with APP_TOKEN_KEYS"
        ) from None
