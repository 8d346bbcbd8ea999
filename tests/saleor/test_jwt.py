"""Saleor's customer access tokens and dashboard app tokens: the captured ones verify (expiry off), made ones
are refused when expired, forged, of the wrong type or issuer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from saleor_subscriptions.saleor.jwt import (
    ExpiredTokenError,
    InsufficientPermissionsError,
    MalformedTokenError,
    WrongAppError,
    WrongIssuerError,
    WrongTokenTypeError,
    unverified_claims,
    verify_app_token,
    verify_customer_token,
)
from saleor_subscriptions.saleor.signatures import (
    BadSignatureError,
    JwksCache,
    UnknownKeyError,
    UnsupportedAlgorithmError,
)
from tests.saleor.helpers import SHARED_SALEOR, SKIP_NO_SHARED, SigningKey, b64url_encode, load_capture

ISS = "https://shop.example.com/graphql/"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
needs_shared = pytest.mark.skipif(not SHARED_SALEOR.is_dir(), reason=SKIP_NO_SHARED)


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey(kid="kid-1")


def customer_claims(**changes):
    iat = int(NOW.timestamp()) - 60
    claims = {
        "iat": iat,
        "owner": "saleor",
        "iss": ISS,
        "exp": iat + 300,
        "token": "t",
        "email": "a@example.com",
        "type": "access",
        "user_id": "VXNlcjox",
        "is_staff": False,
    }
    return claims | changes


def app_claims(**changes):
    return (
        customer_claims(
            type="thirdparty", app="QXBwOjg=", permissions=["MANAGE_ORDERS", "MANAGE_PRODUCTS"], is_staff=True
        )
        | changes
    )


def test_customer_token(key):
    token = verify_customer_token(key.token(customer_claims()), key.jwks(), issuer=ISS, now=NOW)
    assert (token.user_id, token.email, token.is_staff) == ("VXNlcjox", "a@example.com", False)
    assert token.expires_at == datetime.fromtimestamp(customer_claims()["exp"], tz=UTC)


def test_expired_and_future(key):
    with pytest.raises(ExpiredTokenError):
        verify_customer_token(
            key.token(customer_claims()), key.jwks(), issuer=ISS, now=NOW + timedelta(minutes=10)
        )
    future = customer_claims(iat=int(NOW.timestamp()) + 600, exp=int(NOW.timestamp()) + 900)
    with pytest.raises(ExpiredTokenError):
        verify_customer_token(key.token(future), key.jwks(), issuer=ISS, now=NOW)
    with pytest.raises(ValueError):
        verify_customer_token(
            key.token(customer_claims()), key.jwks(), issuer=ISS, now=NOW.replace(tzinfo=None)
        )


def test_forged_wrong_type_issuer_alg(key):
    forger = SigningKey(kid="kid-1")
    with pytest.raises(BadSignatureError):
        verify_customer_token(forger.token(customer_claims()), key.jwks(), issuer=ISS, now=NOW)
    with pytest.raises(WrongTokenTypeError):
        verify_customer_token(key.token(customer_claims(type="refresh")), key.jwks(), issuer=ISS, now=NOW)
    with pytest.raises(WrongTokenTypeError):
        verify_customer_token(key.token(app_claims()), key.jwks(), issuer=ISS, now=NOW)
    with pytest.raises(WrongIssuerError):
        verify_customer_token(
            key.token(customer_claims()), key.jwks(), issuer="https://evil/graphql/", now=NOW
        )
    with pytest.raises(UnsupportedAlgorithmError):
        verify_customer_token(key.token(customer_claims(), alg="none"), key.jwks(), issuer=ISS, now=NOW)
    with pytest.raises(UnknownKeyError):
        verify_customer_token(key.token(customer_claims(), kid="other"), key.jwks(), issuer=ISS, now=NOW)
    with pytest.raises(MalformedTokenError):
        verify_customer_token(key.token(customer_claims(exp="soon")), key.jwks(), issuer=ISS, now=NOW)
    with pytest.raises(MalformedTokenError):
        verify_customer_token(key.token(customer_claims(user_id=None)), key.jwks(), issuer=ISS, now=NOW)
    for broken in ("", "a.b", "a..c"):
        with pytest.raises(MalformedTokenError):
            verify_customer_token(broken, key.jwks(), issuer=ISS, now=NOW)
    unsigned = key.token(customer_claims()).rsplit(".", 1)[0] + "." + b64url_encode(b"")
    with pytest.raises(BadSignatureError):
        verify_customer_token(unsigned, key.jwks(), issuer=ISS, now=NOW)


def test_app_token(key):
    token = verify_app_token(
        key.token(app_claims()),
        key.jwks(),
        issuer=ISS,
        app_id="QXBwOjg=",
        now=NOW,
        required_permissions=["MANAGE_ORDERS"],
    )
    assert token.app_id == "QXBwOjg="
    assert token.permissions == {"MANAGE_ORDERS", "MANAGE_PRODUCTS"}
    with pytest.raises(WrongAppError):
        verify_app_token(key.token(app_claims()), key.jwks(), issuer=ISS, app_id="QXBwOjk=", now=NOW)
    with pytest.raises(InsufficientPermissionsError) as caught:
        verify_app_token(
            key.token(app_claims()),
            key.jwks(),
            issuer=ISS,
            app_id=None,
            now=NOW,
            required_permissions=["HANDLE_PAYMENTS"],
        )
    assert caught.value.missing == ["HANDLE_PAYMENTS"]
    with pytest.raises(WrongTokenTypeError):
        verify_app_token(key.token(customer_claims()), key.jwks(), issuer=ISS, app_id=None, now=NOW)
    with pytest.raises(MalformedTokenError):
        verify_app_token(
            key.token(app_claims(permissions="MANAGE_ORDERS")), key.jwks(), issuer=ISS, app_id=None, now=NOW
        )
    with pytest.raises(ExpiredTokenError):
        verify_app_token(
            key.token(app_claims()), key.jwks(), issuer=ISS, app_id=None, now=NOW + timedelta(hours=1)
        )


def test_with_the_cache_refetching_once(key):
    rotated = SigningKey(kid="kid-2")
    answers = [key.jwks(), rotated.jwks()]
    calls = []

    def fetch(api_url):
        calls.append(api_url)
        return answers[len(calls) - 1]

    clock = iter(range(0, 1000, 100))
    cache = JwksCache(fetch, clock=lambda: float(next(clock)))
    cache.get(ISS)
    token = rotated.token(customer_claims())
    result = cache.with_key_refresh(ISS, lambda jwks: verify_customer_token(token, jwks, issuer=ISS, now=NOW))
    assert result.user_id == "VXNlcjox"
    assert len(calls) == 2


@needs_shared
def test_captured_tokens():
    tokens = load_capture("tokens.json")
    jwks = tokens["jwks"]
    issuer = tokens["customer"]["access_token_decoded"]["claims"]["iss"]
    customer = verify_customer_token(tokens["customer"]["access_token"], jwks, issuer=issuer, now=None)
    assert customer.email == "melissa.sanders@example.com"
    assert customer.user_id == tokens["customer"]["user"]["id"]
    assert customer.is_staff is False
    exp = datetime.fromtimestamp(customer.claims["exp"], tz=UTC)
    with pytest.raises(ExpiredTokenError):
        verify_customer_token(
            tokens["customer"]["access_token"], jwks, issuer=issuer, now=exp + timedelta(minutes=5)
        )
    for name, permissions in (
        ("thirdparty_app_dashboard_token", {"MANAGE_ORDERS", "MANAGE_PRODUCTS", "HANDLE_PAYMENTS"}),
        ("thirdparty_app_extension_token", {"MANAGE_ORDERS"}),
    ):
        captured = tokens[name]
        app = verify_app_token(captured["access_token"], jwks, issuer=issuer, app_id="QXBwOjg=", now=None)
        assert permissions <= app.permissions
        assert app.claims == captured["access_token_decoded"]["claims"]
        with pytest.raises(WrongTokenTypeError):
            verify_customer_token(captured["access_token"], jwks, issuer=issuer, now=None)
    forged = SigningKey(kid=jwks["keys"][0]["kid"]).token(
        unverified_claims(tokens["customer"]["access_token"])
    )
    with pytest.raises(BadSignatureError):
        verify_customer_token(forged, jwks, issuer=issuer, now=None)
