"""Shared by the Saleor tests: where ../shared/saleor is, and an RSA key that signs like Saleor does."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ROOT = Path(__file__).resolve().parents[2]
SHARED_SALEOR = ROOT.parent / "shared" / "saleor"
CAPTURES = SHARED_SALEOR / "captures"
SKIP_NO_SHARED = f"{SHARED_SALEOR} does not exist (the Saleor reference data sits beside the project)"


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 §2), as Saleor writes JWS parts (the tests' own, not the app's)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict unpadded base64url; ValueError otherwise."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise ValueError("not base64url") from exc


def _b64_json(value: dict[str, Any]) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode())


@dataclass
class SigningKey:
    """An RSA key that signs webhooks and tokens the way Saleor 3.21 does."""

    kid: str = "test-key"
    bits: int = 2048
    private: rsa.RSAPrivateKey = field(init=False)

    def __post_init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=self.bits)

    def jwk(self) -> dict[str, Any]:
        numbers = self.private.public_key().public_numbers()
        return {
            "kty": "RSA",
            "key_ops": ["verify"],
            "n": b64url_encode(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
            "e": b64url_encode(numbers.e.to_bytes(3, "big")),
            "use": "sig",
            "kid": self.kid,
            "alg": "RS256",
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.jwk()]}

    def sign(self, data: bytes) -> str:
        return b64url_encode(self.private.sign(data, padding.PKCS1v15(), hashes.SHA256()))

    def webhook_signature(self, body: bytes, **header: Any) -> str:
        encoded = _b64_json(
            {"alg": "RS256", "b64": False, "crit": ["b64"], "kid": self.kid, "typ": "JWT"} | header
        )
        return f"{encoded}..{self.sign(encoded.encode() + b'.' + body)}"

    def token(self, claims: dict[str, Any], **header: Any) -> str:
        signing_input = (
            f"{_b64_json({'alg': 'RS256', 'kid': self.kid, 'typ': 'JWT'} | header)}.{_b64_json(claims)}"
        )
        return f"{signing_input}.{self.sign(signing_input.encode())}"


def load_capture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CAPTURES / name).read_text(encoding="utf-8"))
    return data


def header(request: dict[str, Any], name: str) -> str | None:
    """A request header of a capture, by case-insensitive name."""
    for key, value in request["headers"].items():
        if key.lower() == name.lower():
            return str(value)
    return None
