"""The refusals of the renewals' wiring (`renewals.wiring`): no Django here, so the command line can name them
before the settings load."""

from __future__ import annotations

from enum import StrEnum

from saleor_subscriptions.billing.errors import CodedError


class WiringErrorCode(StrEnum):
    PORTS_UNLOADABLE = "ports_unloadable"
    NOT_A_FACTORY = "not_a_factory"
    IN_MEMORY_FOR_LIVE = "in_memory_for_live"


class PortsMisconfigured(CodedError):
    """RENEWAL_PORTS names no factory that loads; the message is one line naming the variable, as a
    configuration error is (the command line reports it so)."""

    def __init__(self, code: WiringErrorCode, reason: str) -> None:
        super().__init__(code, f"RENEWAL_PORTS: {reason}", "RENEWAL_PORTS")


class PortsRefused(CodedError):
    """The configured ports may not bill these installations: in-memory ports and a live installation."""

    def __init__(self, message: str) -> None:
        super().__init__(WiringErrorCode.IN_MEMORY_FOR_LIVE, message, "RENEWAL_PORTS")
