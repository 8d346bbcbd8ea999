"""The shop's details on documents: the seller's legal details (invoices, EU VAT directive art. 226) and the
accent colour through `installationSettings` / `installationSettingsUpdate`, the logo through
`PUT /api/shop/logo`. Each refusal names its argument and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from saleor_subscriptions.tenants.api_keys import create_api_key
from saleor_subscriptions.tenants.models import Installation, ShopLogo
from tests.tenants.test_branding import image_bytes

pytestmark = pytest.mark.django_db

FIELDS = """
seller { name address vatNumber registrationNumber missing }
logoUrl accentColour
"""
READ = "query { installationSettings { " + FIELDS + " } }"
UPDATE = (
    """
mutation Update($seller: SellerDetailsInput, $accentColour: String, $dueHour: Int) {
  installationSettingsUpdate(seller: $seller, accentColour: $accentColour, dueHour: $dueHour) {
    installationSettings { """
    + FIELDS
    + """ }
    errors { field code message }
  }
}
"""
)
MANAGE_SETTINGS = ("MANAGE_SETTINGS",)
SELLER = {
    "name": "Koffie & Co B.V.",
    "address": "Keizersgracht 1\n1015 CJ Amsterdam",
    "vatNumber": "nl 8047.33.568 B01",
    "registrationNumber": "12345678",
}


def _update(api: Any, shop: Any, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(UPDATE, variables, token=shop.staff_token(MANAGE_SETTINGS))
    return result


def test_a_new_shop_has_no_seller_details_logo_or_accent(api, shop):
    settings = api.data(READ, token=shop.staff_token(MANAGE_SETTINGS))

    assert settings["seller"] == {
        "name": "",
        "address": "",
        "vatNumber": "",
        "registrationNumber": "",
        "missing": ["name", "address", "vatNumber", "registrationNumber"],
    }
    assert (settings["logoUrl"], settings["accentColour"]) == (None, "")


def upload(
    client: Client, token: str, body: bytes, content_type: str = "image/png", method: str = "put"
) -> Any:
    call = getattr(client, method)
    return call("/api/shop/logo", data=body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {token}")


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_staff_set_the_seller_and_accent(api, shop):
    result = _update(api, shop, seller=SELLER, accentColour="#0B7A75")

    assert result["errors"] == []
    saved = result["installationSettings"]
    assert saved["seller"] == {
        "name": "Koffie & Co B.V.",
        "address": "Keizersgracht 1\n1015 CJ Amsterdam",
        "vatNumber": "NL804733568B01",
        "registrationNumber": "12345678",
        "missing": [],
    }
    assert saved["accentColour"] == "#0b7a75"
    assert api.data(READ, token=shop.staff_token(MANAGE_SETTINGS)) == saved


def test_staff_upload_a_logo_that_is_kept_redrawn_and_served(api, shop, client: Client):
    answer = upload(client, shop.staff_token(MANAGE_SETTINGS), image_bytes((900, 300)))

    assert answer.status_code == 200, answer.content
    logo = ShopLogo.objects.get(installation=shop.installation)
    assert (logo.width, logo.height) == (600, 200)
    url = answer.json()["logoUrl"]
    assert url.endswith(f"/brand/{shop.installation.pk}/{logo.sha256}.png")
    assert api.data(READ, token=shop.staff_token(MANAGE_SETTINGS))["logoUrl"] == url
    served = client.get(path_of(url))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served.content == bytes(logo.png)
    assert "immutable" in served["Cache-Control"]


def test_no_api_key_may_change_the_logo_as_none_may_change_the_settings(shop, client: Client):
    key = create_api_key(shop.installation, "cms", ["read", "write", "usage"], created_by="staff").secret

    answer = upload(client, key, image_bytes((20, 20)))

    assert answer.status_code == 403
    assert answer.json()["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert not ShopLogo.objects.exists()


def test_without_manage_settings_or_a_token_the_logo_is_refused(shop, client: Client):
    refused = upload(client, shop.staff_token(("MANAGE_ORDERS",)), image_bytes((20, 20)))
    anonymous = client.put("/api/shop/logo", data=image_bytes((20, 20)), content_type="image/png")

    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert anonymous.status_code in (401, 403)
    assert not ShopLogo.objects.exists()


def test_a_delete_removes_the_logo_and_its_old_url_answers_404(api, shop, client: Client):
    token = shop.staff_token(MANAGE_SETTINGS)
    url = upload(client, token, image_bytes((50, 50))).json()["logoUrl"]

    answer = upload(client, token, b"", method="delete")

    assert answer.status_code == 200 and answer.json() == {"logoUrl": None}
    assert api.data(READ, token=token)["logoUrl"] is None
    assert not ShopLogo.objects.filter(installation=shop.installation).exists()
    assert client.get(path_of(url)).status_code == 404


def test_a_replaced_logo_gets_a_new_url_and_the_old_one_answers_404(shop, client: Client):
    token = shop.staff_token(MANAGE_SETTINGS)
    first = upload(client, token, image_bytes((50, 50))).json()["logoUrl"]

    second = upload(client, token, image_bytes((50, 50), colour="#ff0000")).json()["logoUrl"]

    assert second != first
    assert client.get(path_of(first)).status_code == 404
    assert client.get(path_of(second)).status_code == 200


@pytest.mark.parametrize(
    "case",
    [
        (b"not an image", "image/png", 400, "INVALID"),
        (b"GIF89a", "image/gif", 400, "INVALID"),
        (b"<svg/>", "image/svg+xml", 400, "INVALID"),
        (b"", "image/png", 400, "INVALID"),
        (image_bytes((5000, 5000), colour="#ffffff", optimize=True), "image/png", 400, "TOO_LARGE"),
        (b"\x89PNG" + b"0" * (600 * 1024), "image/png", 413, None),
    ],
)
def test_an_upload_that_is_no_usable_logo_is_refused_naming_the_logo(shop, client, case):
    body, content_type, status, reason = case
    answer = upload(client, shop.staff_token(MANAGE_SETTINGS), body, content_type)

    assert answer.status_code == status, answer.content
    [error] = answer.json()["errors"]
    assert error["extensions"]["field"] == "logo" and error["message"].startswith("logo: ")
    if reason is not None:
        assert error["extensions"]["reason"] == reason
    assert not ShopLogo.objects.exists()


def test_other_methods_are_refused(shop, client: Client):
    answer = client.get("/api/shop/logo", HTTP_AUTHORIZATION=f"Bearer {shop.staff_token(MANAGE_SETTINGS)}")

    assert answer.status_code == 405 and "PUT" in answer["Allow"]


def test_one_seller_detail_changes_alone_and_an_empty_string_clears_it(api, shop):
    _update(api, shop, seller=SELLER)

    result = _update(api, shop, seller={"registrationNumber": ""})

    seller = result["installationSettings"]["seller"]
    assert (seller["name"], seller["registrationNumber"]) == ("Koffie & Co B.V.", "")
    assert seller["missing"] == ["registrationNumber"]


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"seller": {"vatNumber": "NL123"}}, "seller.vatNumber", "INVALID"),
        ({"seller": {"name": "x" * 201}}, "seller.name", "TOO_LONG"),
        ({"seller": {"name": "Two\nlines"}}, "seller.name", "INVALID"),
        ({"seller": {"registrationNumber": "#!"}}, "seller.registrationNumber", "INVALID"),
        ({"accentColour": "red"}, "accentColour", "INVALID"),
        ({"accentColour": "#abc;}body{"}, "accentColour", "INVALID"),
    ],
)
def test_a_wrong_value_is_refused_naming_its_argument_and_nothing_written(api, shop, variables, field, code):
    before = Installation.objects.filter(pk=shop.installation.pk).values().get()

    result = _update(api, shop, dueHour=3, **variables)

    assert result["installationSettings"] is None
    [error] = result["errors"]
    assert (error["field"], error["code"]) == (field, code) and error["message"]
    assert Installation.objects.filter(pk=shop.installation.pk).values().get() == before


def test_a_logo_path_naming_no_logo_answers_404(client: Client):
    assert client.get(f"/brand/999999/{'0' * 64}.png").status_code == 404
