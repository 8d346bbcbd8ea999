"""Writing many rows in one statement (`saleor_subscriptions.bulk`): the rows stored, and the rows kept in
memory afterwards, are what `save` would have stored and a read returns, on PostgreSQL and on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, models
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper

from saleor_subscriptions.bulk import CHUNK, insert_rows, made, update_rows
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, CreditNote, Invoice
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_plan_version, make_subscription

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 12, 16, 5, 0, 30, 123456, tzinfo=UTC)


def _installation(n: int, **fields: Any) -> Installation:
    return Installation(saleor_api_url=f"https://shop-{n}.example.com/graphql/", name=f"Shop {n}", **fields)


def _values(row: models.Model) -> dict[str, Any]:
    """Every column of a row, decimals as text (so a scale that differs shows)."""
    values = {f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields}
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def _read(row: models.Model, using: str = "default") -> dict[str, Any]:
    return _values(type(row)._default_manager.using(using).get(pk=row.pk))


def test_inserted_rows_get_their_keys_in_order_and_hold_what_a_read_returns():
    shops = [
        _installation(1, dunning_policy={"retry_days": [3, 7]}, clock=MOMENT, sandbox=True),
        _installation(2, language="nl", due_hour=9, email_sender="billing@shop-2.example.com"),
    ]
    insert_rows(shops)
    assert all(shop.pk is not None and not shop._state.adding for shop in shops)
    assert shops[0].pk < shops[1].pk
    entries = [
        CreditLedgerEntry(
            installation=shop,
            customer_key="email:piet@example.com",
            currency="KWD",
            amount=amount,
            kind=CreditLedgerEntry.Kind.ADJUSTMENT,
            idempotency_key=key,
            created_at=MOMENT,
        )
        for shop, amount, key in [(shops[0], Decimal("4.125"), "k-1"), (shops[1], Decimal(-2), None)]
    ]
    insert_rows(entries)
    for row in [*shops, *entries]:
        assert _values(row) == _read(row)
    assert str(entries[0].amount) == "4.125000"  # the column's scale, as read


def test_a_decimal_finer_than_its_column_is_rounded_half_away_from_zero_as_postgresql_stores_it():
    shop = _installation(1)
    insert_rows([shop])
    entries = [
        CreditLedgerEntry(installation=shop, customer_key="k", currency="EUR", amount=amount, kind="applied")
        for amount in (Decimal("1.0000005"), Decimal("-1.0000005"), Decimal("2.0000004"))
    ]
    insert_rows(entries)
    assert [str(e.amount) for e in entries] == ["1.000001", "-1.000001", "2.000000"]
    assert [_read(e)["amount"] for e in entries] == ["1.000001", "-1.000001", "2.000000"]


def test_json_is_written_by_the_fields_encoder_and_an_absent_value_is_sql_null():
    subscription = make_subscription(make_plan_version(Installation.objects.create(saleor_api_url="https://a.b/")))
    events = [
        SubscriptionEvent(
            installation_id=subscription.installation_id,
            subscription=subscription,
            at=MOMENT,
            actor_type="system",
            kind="invoiced",
            data={"invoice": 1, "net": "30.00", "lines": [["plan", "30.00"]], "quote": 'a "b" \\ ü'},
        ),
        SubscriptionEvent(
            installation_id=subscription.installation_id,
            subscription=subscription,
            actor_type="system",
            kind="paused",
        ),
    ]
    insert_rows(events)
    assert [_read(e) for e in events] == [_values(e) for e in events]
    assert _read(events[1])["data"] == {}


def test_more_rows_than_one_statement_holds_are_written_in_chunks_keeping_their_order():
    shop = Installation.objects.create(saleor_api_url="https://a.b/")
    entries = [
        CreditLedgerEntry(
            installation=shop, customer_key=f"k{n}", currency="EUR", amount=n + 1, kind="applied"
        )
        for n in range(CHUNK + 5)
    ]
    insert_rows(entries)
    stored = dict(CreditLedgerEntry.objects.values_list("pk", "customer_key"))
    assert [stored[e.pk] for e in entries] == [e.customer_key for e in entries]


def test_a_row_made_with_its_parent_before_the_parent_was_saved_takes_the_parents_key():
    shop = _installation(1)
    entry = CreditLedgerEntry(installation=shop, customer_key="k", currency="EUR", amount=1, kind="applied")
    insert_rows([shop])
    insert_rows([entry])
    assert entry.installation_id == shop.pk == _read(entry)["installation_id"]


def test_update_writes_only_the_fields_named():
    version = make_plan_version(Installation.objects.create(saleor_api_url="https://a.b/"))
    other = make_plan_version(version.installation)
    version.price, version.setup_fee = Decimal("41.5"), Decimal("0.0000007")
    version.dunning = {"retry_days": [1]}
    version.interval = "year"  # not named: stays as stored
    other.price = Decimal(12)
    update_rows([version, other], ["price", "setup_fee", "dunning"])
    stored = _read(version)
    assert (stored["price"], stored["setup_fee"], stored["dunning"], stored["interval"]) == (
        "41.500000",
        "0.000001",
        {"retry_days": [1]},
        "month",
    )
    assert (str(version.price), str(version.setup_fee)) == ("41.500000", "0.000001")
    assert _read(other)["price"] == "12.000000"


def test_a_naive_datetime_is_refused_with_value_error():
    with pytest.raises(ValueError, match="naive datetime"):
        insert_rows([_installation(1, sandbox=True, clock=datetime(2026, 12, 16, 5))])
    assert not Installation.objects.exists()


def test_a_float_for_a_decimal_column_is_refused_with_type_error():
    shop = Installation.objects.create(saleor_api_url="https://a.b/")
    with pytest.raises(TypeError, match="money is Decimal"):
        insert_rows([CreditLedgerEntry(installation=shop, customer_key="k", currency="EUR", amount=0.1)])


def test_a_row_that_has_a_key_already_is_refused_with_value_error():
    shop = Installation.objects.create(saleor_api_url="https://a.b/")
    with pytest.raises(ValueError, match="has a primary key already"):
        insert_rows([shop])


def test_a_row_whose_parent_is_not_saved_is_refused_with_value_error():
    entry = CreditLedgerEntry(installation=_installation(1), customer_key="k", currency="EUR", amount=1)
    with pytest.raises(ValueError, match=r"installation of .* is not saved yet"):
        insert_rows([entry])


# ------------------------------------------------------------------------------------------------ SQLite


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[str]:
    """A real SQLite database (the embedded default's engine) with the tables these tests write, as a
    connection made at run time (so the PostgreSQL test database is left alone)."""
    alias = "bulk_sqlite"
    settings = connections.configure_settings(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "bulk.sqlite3")}}
    )["default"]
    connection = SQLiteDatabaseWrapper(settings, alias=alias)
    connections[alias] = connection
    try:
        with connection.schema_editor() as editor:
            # The ledger and the tables its keys point at (SQLite checks a referenced table exists).
            for model in (Installation, Plan, PlanVersion, Subscription, Invoice, CreditNote):
                editor.create_model(model)
            editor.create_model(CreditLedgerEntry)
        yield alias
    finally:
        connection.close()
        del connections[alias]


def test_on_sqlite_the_same_calls_store_the_same_rows_and_keep_what_a_read_returns(sqlite: str):
    shop = _installation(1, dunning_policy={"retry_days": [3]}, clock=MOMENT, sandbox=True)
    insert_rows([shop], using=sqlite)
    entries = [
        CreditLedgerEntry(installation=shop, customer_key="k", currency="KWD", amount=amount, kind="applied")
        for amount in (Decimal("4.125"), Decimal("1.0000005"))  # SQLite keeps the second as a float
    ]
    insert_rows(entries, using=sqlite)
    assert shop.pk is not None and [e.pk for e in entries] == [1, 2]
    assert str(entries[0].amount) == "4.125000"
    assert [_values(e) for e in entries] == [_read(e, sqlite) for e in entries]
    shop.name, shop.due_hour, shop.dunning_policy = "Renamed", 7, {"retry_days": [1, 2]}
    update_rows([shop], ["name", "due_hour", "dunning_policy"], using=sqlite)
    assert _values(shop) == _read(shop, sqlite)
    assert not Installation.objects.exists()  # nothing went to PostgreSQL


def test_made_gives_the_row_the_keyword_constructor_gives_defaults_and_parents_included():
    subscription = make_subscription(make_plan_version(Installation.objects.create(saleor_api_url="https://a.b/")))
    values: dict[str, Any] = {
        "installation_id": subscription.installation_id,
        "subscription": subscription,
        "billing_reason": Invoice.Reason.RENEWAL,
        "currency": "EUR",
        "period_index": 3,
        "period_start": MOMENT.date(),
        "period_end": (MOMENT + timedelta(days=31)).date(),
        "due_at": MOMENT,
        "subtotal": Decimal("9.99"),
        "total": Decimal("9.99"),
        "amount_due": Decimal("9.99"),
        "issued_at": MOMENT,
    }
    fast, slow = made(Invoice, **values), Invoice(**values)
    # Every column the same, the defaults included (a callable default is called for each row: the
    # moments differ by the time between the two calls, so they are compared apart).
    assert {k: v for k, v in _values(fast).items() if k != "created_at"} == {
        k: v for k, v in _values(slow).items() if k != "created_at"
    }
    assert abs(fast.created_at - slow.created_at).total_seconds() < 60
    assert fast.subscription is subscription and fast._state.adding and fast._state.db is None
    assert fast.seller == {} and fast.seller is not made(Invoice, **values).seller  # its own default dict
    insert_rows([fast])
    assert _read(fast)["period_index"] == 3


def test_made_refuses_a_name_that_is_not_a_field():
    with pytest.raises(TypeError, match="paid_method"):
        made(Invoice, paid_method=None)
