"""EMAIL_URL and DEFAULT_FROM_EMAIL: one URL for the mail server, every bad value a one-line ConfigError."""

from __future__ import annotations

import pytest

from saleor_subscriptions.conf.email import (
    CONSOLE_BACKEND,
    SMTP_BACKEND,
    EmailConfig,
    parse_email_url,
    parse_from_email,
)
from saleor_subscriptions.conf.env import ConfigError, Env


def test_console_is_the_embedded_default() -> None:
    assert parse_email_url("console://") == EmailConfig(backend=CONSOLE_BACKEND)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", EmailConfig(SMTP_BACKEND, "mail.example.com", 25)),
        ("smtp://127.0.0.1:2525", EmailConfig(SMTP_BACKEND, "127.0.0.1", 2525)),
        (
            "smtp+tls://apikey:s%40cret%2F1@smtp.example.com",
            EmailConfig(SMTP_BACKEND, "smtp.example.com", 587, "apikey", "s@cret/1", use_tls=True),
        ),
        (
            "smtp+ssl://u:p@smtp.example.com",
            EmailConfig(SMTP_BACKEND, "smtp.example.com", 465, "u", "p", use_ssl=True),
        ),
        (
            "smtp+ssl://u:p@smtp.example.com:2465",
            EmailConfig(SMTP_BACKEND, "smtp.example.com", 2465, "u", "p", use_ssl=True),
        ),
    ],
)
def test_smtp_urls(url: str, expected: EmailConfig) -> None:
    assert parse_email_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://mail.example.com", "scheme must be console, smtp, smtp+tls or smtp+ssl"),
        ("mail.example.com", "scheme must be"),
        ("smtp://", "names no SMTP host"),
        ("smtp://mail.example.com:99999", "cannot be parsed"),
        ("smtp://mail.example.com:abc", "cannot be parsed"),
        ("smtp://user@mail.example.com", "both a user and a password"),
    ],
)
def test_a_bad_email_url_is_a_config_error_naming_the_variable(url: str, reason: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_email_url(url)
    assert error.value.variable == "EMAIL_URL"
    assert reason in error.value.reason


def test_default_from_email_accepts_a_name_and_refuses_a_non_address() -> None:
    env = Env({"DEFAULT_FROM_EMAIL": "Shop <shop@example.com>", "BAD": "not an address"})
    assert env.parsed("DEFAULT_FROM_EMAIL", "x@localhost", parse_from_email) == "Shop <shop@example.com>"
    with pytest.raises(ConfigError, match="BAD: is not an email address"):
        env.parsed("BAD", "x@localhost", parse_from_email)
