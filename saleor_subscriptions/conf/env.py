"""Reading settings from the environment: every value checked, every error one line naming the variable."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

T = TypeVar("T")


class ConfigError(Exception):
    """A configuration variable holds a value the app cannot run with."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


class Env:
    """Typed access to a mapping of environment variables (os.environ by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        value = self._environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def parsed(self, name: str, default: T, parse: Callable[[str], T]) -> T:
        value = self.raw(name)
        if value is None:
            return default
        try:
            return parse(value)
        except ConfigError:
            raise
        except ValueError as exc:
            raise ConfigError(name, str(exc)) from None

    def string(self, name: str, default: str) -> str:
        return self.parsed(name, default, str)

    def boolean(self, name: str, default: bool) -> bool:
        return self.parsed(name, default, _parse_bool)

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        def parse(value: str) -> int:
            try:
                number = int(value)
            except ValueError:
                raise ValueError(f"expected a whole number, got {value!r}") from None
            if not minimum <= number <= maximum:
                raise ValueError(f"must be between {minimum} and {maximum}, got {number}")
            return number

        return self.parsed(name, default, parse)

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        def parse(value: str) -> str:
            if value not in choices:
                raise ValueError(f"must be one of {', '.join(choices)}, got {value!r}")
            return value

        return self.parsed(name, default, parse)

    def csv(self, name: str, default: list[str]) -> list[str]:
        return self.parsed(name, default, lambda v: [item.strip() for item in v.split(",") if item.strip()])

    def url(self, name: str, default: str, *, schemes: tuple[str, ...]) -> str:
        def parse(value: str) -> str:
            parts = urlsplit(value)
            if parts.scheme not in schemes:
                raise ValueError(f"scheme must be one of {', '.join(schemes)}, got {value!r}")
            if parts.scheme in ("http", "https") and not parts.hostname:
                raise ValueError(f"has no host: {value!r}")
            return value.rstrip("/") if parts.scheme in ("http", "https") else value

        return self.parsed(name, default, parse)

    def time_zone(self, name: str, default: str) -> str:
        return self.parsed(name, default, _parse_time_zone)

    def path(self, name: str, default: Path) -> Path:
        return self.parsed(name, default, lambda v: Path(v).expanduser().resolve())


def _parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _parse_time_zone(value: str) -> str:
    if value not in available_timezones() and value != "UTC":
        raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Amsterdam)")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value
