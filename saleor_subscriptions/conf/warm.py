"""What a server process does once, before its first request: load every view (the URL conf, with the API's
schema), then move everything loaded so far out of the garbage collector's way (`gc.freeze`).

Without it, Python's full collections walk the whole loaded heap (Django, graphene's schema, the app) every
so often, and the request that triggers one waits 50 to 130 ms (measured with `bench/api.py`: a gen-2
collection of 74 and 134 ms inside one request of a case whose others take 10 ms). Frozen objects are never
walked again; what requests allocate is collected as before.
"""

from __future__ import annotations

import gc


def load_and_freeze() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view, the API's schema included)
    gc.collect()
    gc.freeze()
