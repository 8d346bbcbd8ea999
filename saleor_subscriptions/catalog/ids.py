"""The global id of a plan, as the app's API and the variant metadata mirrored into Saleor show it."""

from __future__ import annotations

import base64

GLOBAL_ID_TYPE = "Plan"


def plan_global_id(plan_id: int) -> str:
    """The id the API and the mirrored metadata give a plan: base64 of "Plan:<id>", like Saleor's ids."""
    return base64.b64encode(f"{GLOBAL_ID_TYPE}:{plan_id}".encode()).decode("ascii")
