"""Email settings from one URL: `console://` (the embedded default) or `smtp://`, `smtp+tls://`, `smtp+ssl://`.

`smtp+tls` speaks STARTTLS (port 587 by default), `smtp+ssl` implicit TLS (port 465); user and password are
percent-decoded, so `smtp://apikey:p%40ss@smtp.example.com:587` works.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

from saleor_subscriptions.conf.env import ConfigError

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_DEFAULT_PORTS = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False


def parse_email_url(url: str, variable: str = "EMAIL_URL") -> EmailConfig:
    """Django's EMAIL_* settings from one URL; a wrong URL raises ConfigError naming the variable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(variable, f"cannot be parsed: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme == "console":
        return EmailConfig(backend=CONSOLE_BACKEND)
    if scheme not in _DEFAULT_PORTS:
        raise ConfigError(
            variable, f"scheme must be console, smtp, smtp+tls or smtp+ssl, got {parts.scheme or url!r}"
        )
    if not parts.hostname:
        raise ConfigError(variable, "names no SMTP host")
    if (parts.username is None) != (parts.password is None):
        raise ConfigError(variable, "give both a user and a password, or neither")
    return EmailConfig(
        backend=SMTP_BACKEND,
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[scheme],
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=scheme == "smtp+tls",
        use_ssl=scheme == "smtp+ssl",
    )


def parse_from_email(value: str) -> str:
    """A sender address (`shop@example.com` or `Shop <shop@example.com>`); ValueError when it is not one."""
    _, address = parseaddr(value)
    local, _, domain = address.partition("@")
    if not local or not domain or " " in address:
        raise ValueError(f"is not an email address: {value!r}")
    return value
