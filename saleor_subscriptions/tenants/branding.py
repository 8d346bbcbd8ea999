"""The shop's look on its documents, emails and billing pages: a logo and an accent colour.

The logo arrives as an upload (`PUT /api/shop/logo`, the image as the body: `api.logo_upload`). It is
checked and decoded once, when it is set: PNG or JPEG, at most `LOGO_MAX_BYTES` as uploaded and
`LOGO_MAX_PIXELS` once decoded (a small file cannot unpack into a huge image), then drawn again as a PNG
of at most `LOGO_BOX` pixels with nothing else of the upload kept (no metadata, no second image, no
script). Documents embed that PNG; emails and the portal
link to it at `/brand/<installation>/<sha256>.png`, a path that changes with the image, so it can be cached
for ever. The app never fetches a logo from a URL a shop gives: nothing here reaches the network.

The accent colour is `#rrggbb`. Where text sits on it (an email's button, the portal's), `text_on` picks
black or white, whichever contrasts more (WCAG relative luminance).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from saleor_subscriptions.billing.errors import CodedError

LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_PIXELS = 4096 * 4096
LOGO_BOX = (600, 200)
"""The largest logo kept, in pixels (width, height): enough for a document's header at print resolution."""
DEFAULT_ACCENT = "#111827"
"""The accent of a shop that has not chosen one: the near-black the emails have always used."""

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


class BrandingErrorCode(StrEnum):
    INVALID = "invalid"
    TOO_LARGE = "too_large"


class BrandingRefused(CodedError):
    """A logo or colour that cannot be used; `field` is `logo` or `accent_colour`."""


@dataclass(frozen=True)
class Logo:
    """A logo as kept: a PNG no larger than LOGO_BOX, and the SHA-256 that names it."""

    png: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.png).hexdigest()


def check_logo(raw: bytes, content_type: str) -> Logo:
    """The logo of an upload of `content_type` (image/png or image/jpeg), redrawn as a PNG; a BrandingRefused
    says what is wrong."""
    declared = _FORMATS.get(content_type.split(";", 1)[0].strip().lower())
    if declared is None:
        raise BrandingRefused(
            BrandingErrorCode.INVALID,
            f"a PNG or JPEG image (image/png, image/jpeg), not {content_type[:40]!r}",
            "logo",
        )
    if len(raw) > LOGO_MAX_BYTES:
        raise BrandingRefused(BrandingErrorCode.TOO_LARGE, f"at most {LOGO_MAX_BYTES // 1024} KB", "logo")
    if not raw:
        raise BrandingRefused(BrandingErrorCode.INVALID, "the image is empty", "logo")
    return _redrawn(raw, declared)


def _redrawn(raw: bytes, declared: str) -> Logo:
    try:
        with Image.open(BytesIO(raw), formats=[declared]) as image:
            width, height = image.size
            if width < 1 or height < 1 or width * height > LOGO_MAX_PIXELS:
                raise BrandingRefused(
                    BrandingErrorCode.TOO_LARGE,
                    f"at most {LOGO_MAX_PIXELS:,} pixels, not {width} × {height}",
                    "logo",
                )
            image.load()
            converted = image.convert("RGBA")
    except BrandingRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise BrandingRefused(
            BrandingErrorCode.INVALID, f"not a readable {declared} image", "logo"
        ) from None
    converted.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    out = BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return Logo(png=out.getvalue(), width=converted.width, height=converted.height)


def check_accent_colour(text: str) -> str:
    """`#rrggbb` in lower case; "" keeps the default. A BrandingRefused says what is wrong."""
    colour = text.strip()
    if colour == "":
        return ""
    if _COLOUR.fullmatch(colour) is None:
        raise BrandingRefused(
            BrandingErrorCode.INVALID,
            f"a colour as #rrggbb (e.g. #0b7a75), not {colour[:20]!r}",
            "accent_colour",
        )
    return colour.lower()


def accent_or_default(colour: str) -> str:
    return colour or DEFAULT_ACCENT


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two `#rrggbb` colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on `colour`."""
    return "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, "#000000") else "#000000"


def logo_path(installation_id: int, sha256: str) -> str:
    """Where the app serves an installation's logo (the view is `portal.views.brand`)."""
    return f"/brand/{installation_id}/{sha256}.png"
