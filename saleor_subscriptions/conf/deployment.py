"""Settings that decide whether a deployment bills for real: the renewal ports and the test hooks.

The test hooks (`SALEOR_SUBSCRIPTIONS_TEST_HOOKS`) let the tests and the benchmark inject crashes
(`SALEOR_SUBSCRIPTIONS_CRASH_AT`) and bill live installations through in-memory ports. A production deployment
cannot turn them on by accident: they are refused with an https `APP_URL` (Saleor reaches a real deployment
over HTTPS), and a crash plan without them stops start-up rather than being ignored in silence.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from saleor_subscriptions.conf.env import ConfigError, Env

TEST_HOOKS_VARIABLE = "SALEOR_SUBSCRIPTIONS_TEST_HOOKS"
CRASH_AT_VARIABLE = "SALEOR_SUBSCRIPTIONS_CRASH_AT"

_FACTORY = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*:[A-Za-z_]\w*$")


def parse_renewal_ports(value: str) -> str:
    """`module.path:function`, checked for its shape here; whether it loads is checked at start-up
    (`renewals.wiring.check_renewal_ports`), once Django's apps are ready."""
    if not _FACTORY.match(value):
        raise ValueError(f"must be module.path:function, got {value!r}")
    return value


def test_hooks(env: Env, app_url: str) -> bool:
    """Whether the test hooks are on; refused with an https APP_URL (a deployment Saleor can reach)."""
    on = env.boolean(TEST_HOOKS_VARIABLE, False)
    if on and urlsplit(app_url).scheme == "https":
        raise ConfigError(
            TEST_HOOKS_VARIABLE,
            "test hooks are for tests and benchmarks, never for a deployment with an https APP_URL "
            f"({app_url})",
        )
    return on


def refuse_crash_plan_without_test_hooks(env: Env, hooks_on: bool) -> None:
    """A crash plan is honoured only with the test hooks on; without them it stops start-up."""
    plan = env.raw(CRASH_AT_VARIABLE)
    if plan is not None and not hooks_on:
        raise ConfigError(
            CRASH_AT_VARIABLE, f"crash injection needs {TEST_HOOKS_VARIABLE}=true (tests only); unset it"
        )
