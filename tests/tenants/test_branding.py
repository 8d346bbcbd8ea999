"""The shop's logo and accent colour (`tenants.branding`): what is accepted, what is kept, why the rest is
refused."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from saleor_subscriptions.tenants.branding import (
    LOGO_BOX,
    BrandingErrorCode,
    BrandingRefused,
    check_accent_colour,
    check_logo,
    contrast,
    text_on,
)


def image_bytes(size: tuple[int, int], fmt: str = "PNG", colour: str = "#0b7a75", **save: object) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt, **save)
    return out.getvalue()


def refusal(raw: bytes, content_type: str = "image/png") -> BrandingRefused:
    with pytest.raises(BrandingRefused) as refused:
        check_logo(raw, content_type)
    return refused.value


def test_a_png_is_kept_as_a_png_of_the_same_size() -> None:
    logo = check_logo(image_bytes((300, 100)), "image/png")

    kept = Image.open(BytesIO(logo.png))
    assert (kept.format, kept.size, (logo.width, logo.height)) == ("PNG", (300, 100), (300, 100))
    assert len(logo.sha256) == 64


def test_a_jpeg_is_redrawn_as_a_png() -> None:
    logo = check_logo(image_bytes((120, 60), "JPEG"), "image/jpeg")

    assert Image.open(BytesIO(logo.png)).format == "PNG"


def test_a_large_logo_is_shrunk_into_the_box_keeping_its_proportions() -> None:
    logo = check_logo(image_bytes((2400, 400)), "image/png")

    assert (logo.width, logo.height) == (LOGO_BOX[0], 100)


def test_nothing_of_the_upload_but_its_pixels_is_kept() -> None:
    out = BytesIO()
    image = Image.new("RGB", (40, 20), "#ffffff")
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    image.save(out, format="PNG", pnginfo=info)

    logo = check_logo(out.getvalue(), "image/png; charset=binary")

    assert b"script" not in logo.png and "Comment" not in Image.open(BytesIO(logo.png)).info


@pytest.mark.parametrize(
    "content_type", ["image/svg+xml", "image/gif", "text/html", "application/octet-stream", ""]
)
def test_anything_but_a_png_or_jpeg_is_refused(content_type: str) -> None:
    refused = refusal(image_bytes((10, 10)), content_type)

    assert (refused.code, refused.field) == (BrandingErrorCode.INVALID, "logo")


def test_a_file_that_is_not_the_image_it_claims_is_refused() -> None:
    assert refusal(image_bytes((10, 10), "JPEG"), "image/png").code == BrandingErrorCode.INVALID
    assert refusal(b"GIF89a not really").code == BrandingErrorCode.INVALID
    assert refusal(b"").code == BrandingErrorCode.INVALID


def test_an_upload_over_512_kb_is_refused_before_it_is_decoded() -> None:
    refused = refusal(b"\x89PNG" + b"A" * (512 * 1024))

    assert (refused.code, refused.field) == (BrandingErrorCode.TOO_LARGE, "logo")


def test_a_small_file_that_unpacks_into_a_huge_image_is_refused() -> None:
    raw = image_bytes((5000, 5000), colour="#ffffff", optimize=True)
    assert len(raw) < 512 * 1024

    refused = refusal(raw)

    assert refused.code == BrandingErrorCode.TOO_LARGE and "5000 × 5000" in refused.message


@pytest.mark.parametrize(("given", "kept"), [("#0B7A75", "#0b7a75"), (" #ffcc00 ", "#ffcc00"), ("", "")])
def test_an_accent_colour_is_kept_in_lower_case(given: str, kept: str) -> None:
    assert check_accent_colour(given) == kept


@pytest.mark.parametrize("given", ["red", "#fff", "#12345g", "rgb(1,2,3)", "#1234567", "#abc;}body{"])
def test_anything_but_rrggbb_is_refused_as_an_accent(given: str) -> None:
    with pytest.raises(BrandingRefused) as refused:
        check_accent_colour(given)

    assert (refused.value.code, refused.value.field) == (BrandingErrorCode.INVALID, "accent_colour")


def test_text_on_an_accent_is_whichever_of_black_and_white_reads_better() -> None:
    assert text_on("#111827") == "#ffffff"
    assert text_on("#ffcc00") == "#000000"
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#777777") == pytest.approx(1)
