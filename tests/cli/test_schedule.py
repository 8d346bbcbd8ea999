"""`saleor-subscriptions schedule`: the worked examples as JSON, and one test per bad flag."""

from __future__ import annotations

import json
from typing import Any

import pytest

from saleor_subscriptions.cli.main import main
from saleor_subscriptions.cli.schedule import MAX_PERIODS

MONTHLY_30_EUR = ["--interval", "month", "--price", "30.00", "--currency", "EUR"]


def schedule(capsys, *flags: str) -> tuple[int, str, str]:
    try:
        code = main(["schedule", *flags])
    except SystemExit as exited:  # argparse's own errors
        code = exited.code  # type: ignore[assignment]
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def charges_of(capsys, *flags: str) -> dict[str, Any]:
    code, out, err = schedule(capsys, *flags)
    assert (code, err) == (0, "")
    assert out.endswith("\n") and out.count("\n") == 1
    result: dict[str, Any] = json.loads(out)
    return result


def summary(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(c["due_date"], c["period_start"], c["period_end"], c["amount"]) for c in result["charges"]]


def test_purchase_on_16_november_with_anchor_first_pays_15_then_30_on_1_december(capsys):
    result = charges_of(
        capsys,
        *MONTHLY_30_EUR,
        "--start",
        "2026-11-16T10:00",
        "--timezone",
        "Europe/Amsterdam",
        "--anchor",
        "1",
        "--periods",
        "2",
    )
    assert result == {
        "currency": "EUR",
        "charges": [
            {
                "due_date": "2026-11-16",
                "period_start": "2026-11-16",
                "period_end": "2026-12-01",
                "amount": "15.00",
                "lines": [
                    {
                        "kind": "proration",
                        "description": "Monthly plan, 16 Nov 2026 \u2013 1 Dec 2026 (15 of 30 days)",
                        "amount": "15.00",
                    }
                ],
            },
            {
                "due_date": "2026-12-01",
                "period_start": "2026-12-01",
                "period_end": "2027-01-01",
                "amount": "30.00",
                "lines": [
                    {
                        "kind": "plan",
                        "description": "Monthly plan, 1 Dec 2026 \u2013 1 Jan 2027",
                        "amount": "30.00",
                    }
                ],
            },
        ],
    }


def test_purchase_on_17_february_by_purchase_date_pays_40_then_40_on_17_march(capsys):
    result = charges_of(
        capsys,
        "--interval",
        "month",
        "--price",
        "40",
        "--currency",
        "EUR",
        "--start",
        "2026-02-17T09:00:00+01:00",
        "--periods",
        "2",
    )
    assert summary(result) == [
        ("2026-02-17", "2026-02-17", "2026-03-17", "40.00"),
        ("2026-03-17", "2026-03-17", "2026-04-17", "40.00"),
    ]


@pytest.mark.parametrize(("day", "first"), [("29", "3.00"), ("30", "2.00"), ("31", "1.00")])
def test_purchase_on_the_29th_30th_or_31st_pays_the_rest_and_renews_on_the_1st(capsys, day, first):
    result = charges_of(
        capsys,
        "--interval",
        "month",
        "--price",
        "31.00",
        "--currency",
        "EUR",
        "--start",
        f"2026-03-{day}",
        "--short-month-rule",
        "first_of_next_month",
        "--periods",
        "2",
    )
    assert summary(result) == [
        (f"2026-03-{day}", f"2026-03-{day}", "2026-04-01", first),
        ("2026-04-01", "2026-04-01", "2026-05-01", "31.00"),
    ]


def test_three_practitioners_on_standard_monthly_pay_117(capsys):
    result = charges_of(
        capsys,
        "--interval",
        "month",
        "--price",
        "39.00",
        "--currency",
        "EUR",
        "--start",
        "2026-01-05",
        "--quantity",
        "3",
        "--periods",
        "1",
    )
    assert summary(result) == [("2026-01-05", "2026-01-05", "2026-02-05", "117.00")]
    assert result["charges"][0]["lines"][0]["description"].startswith("Monthly plan \u00d7 3")


def test_twelve_charges_by_default(capsys):
    result = charges_of(capsys, *MONTHLY_30_EUR, "--start", "2026-01-31")
    assert len(result["charges"]) == 12
    assert [c["period_start"] for c in result["charges"][:4]] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
    ]


def test_yen_amounts_have_no_decimals(capsys):
    result = charges_of(
        capsys,
        "--interval",
        "month",
        "--price",
        "1001",
        "--currency",
        "JPY",
        "--start",
        "2026-11-16",
        "--anchor",
        "1",
        "--periods",
        "2",
    )
    assert [c["amount"] for c in result["charges"]] == ["501", "1001"]  # 500.5 rounds up


def test_dinar_amounts_have_three_decimals(capsys):
    result = charges_of(
        capsys,
        "--interval",
        "month",
        "--price",
        "12.5",
        "--currency",
        "KWD",
        "--start",
        "2026-11-16",
        "--anchor",
        "1",
        "--periods",
        "2",
    )
    assert [c["amount"] for c in result["charges"]] == ["6.250", "12.500"]


def test_a_trial_is_listed_as_a_charge_with_the_setup_fee(capsys):
    result = charges_of(
        capsys,
        *MONTHLY_30_EUR,
        "--start",
        "2026-11-02",
        "--trial-days",
        "14",
        "--setup-fee",
        "10",
        "--anchor",
        "1",
        "--periods",
        "3",
    )
    assert summary(result) == [
        ("2026-11-02", "2026-11-02", "2026-11-16", "10.00"),
        ("2026-11-16", "2026-11-16", "2026-12-01", "15.00"),
        ("2026-12-01", "2026-12-01", "2027-01-01", "30.00"),
    ]
    assert [line["kind"] for line in result["charges"][0]["lines"]] == ["trial", "setup_fee"]
    assert result["charges"][0]["lines"][0]["amount"] == "0.00"


def test_a_free_trial_without_setup_fee_is_a_zero_charge(capsys):
    result = charges_of(
        capsys, *MONTHLY_30_EUR, "--start", "2026-11-02", "--trial-days", "7", "--periods", "1"
    )
    assert summary(result) == [("2026-11-02", "2026-11-02", "2026-11-09", "0.00")]


def test_a_trial_of_one_interval_bought_on_the_31st_renews_on_the_31st_again(capsys):
    """§2: the calendar counts from the purchase date, so the clamped trial end (28 Feb) does not drag the
    renewals to the 28th."""
    result = charges_of(
        capsys, *MONTHLY_30_EUR, "--start", "2026-01-31T10:00", "--trial-intervals", "1", "--periods", "4"
    )
    assert summary(result) == [
        ("2026-01-31", "2026-01-31", "2026-02-28", "0.00"),
        ("2026-02-28", "2026-02-28", "2026-03-31", "30.00"),
        ("2026-03-31", "2026-03-31", "2026-04-30", "30.00"),
        ("2026-04-30", "2026-04-30", "2026-05-31", "30.00"),
    ]


def test_a_fixed_term_ends_the_list(capsys):
    result = charges_of(capsys, *MONTHLY_30_EUR, "--start", "2026-11-16", "--anchor", "1", "--cycles", "2")
    assert [c["period_start"] for c in result["charges"]] == ["2026-11-16", "2026-12-01", "2027-01-01"]


def test_a_start_without_offset_is_local_time_in_the_timezone(capsys):
    local = charges_of(
        capsys, *MONTHLY_30_EUR, "--start", "2026-11-16T00:30", "--timezone", "Europe/Amsterdam"
    )
    assert local["charges"][0]["due_date"] == "2026-11-16"
    utc = charges_of(
        capsys, *MONTHLY_30_EUR, "--start", "2026-11-16T00:30+01:00", "--timezone", "UTC", "--periods", "1"
    )
    assert utc["charges"][0]["due_date"] == "2026-11-15"


def test_a_weekly_plan_renews_on_the_purchase_weekday(capsys):
    result = charges_of(
        capsys,
        "--interval",
        "week",
        "--interval-count",
        "2",
        "--price",
        "5",
        "--currency",
        "EUR",
        "--start",
        "2026-01-01",
        "--periods",
        "3",
    )
    assert [c["due_date"] for c in result["charges"]] == ["2026-01-01", "2026-01-15", "2026-01-29"]


def test_the_currency_code_may_be_lower_case(capsys):
    result = charges_of(
        capsys, "--interval", "month", "--price", "1", "--currency", "eur", "--start", "2026-01-01"
    )
    assert result["currency"] == "EUR"


BAD_INPUTS = [
    ("--interval", ["--interval", "fortnight"]),
    ("--interval-count", ["--interval-count", "0"]),
    ("--interval-count", ["--interval-count", "-1"]),
    ("--interval-count", ["--interval-count", "abc"]),
    ("--interval-count", ["--interval-count", "1.5"]),
    ("--price", ["--price", "-1"]),
    ("--price", ["--price", "abc"]),
    ("--price", ["--price", "NaN"]),
    ("--price", ["--price", "inf"]),
    ("--price", ["--price", "30.001"]),
    ("--price", ["--price", "1.5", "--currency", "JPY"]),
    ("--price", ["--price", "4.835", "--currency", "KWD"]),  # Stripe charges KWD in steps of 0.010
    ("--price", ["--price", "144.68", "--currency", "TWD"]),  # and TWD in whole dollars
    ("--setup-fee", ["--setup-fee", "0.5", "--currency", "ISK"]),
    ("--currency", ["--currency", "XYZ"]),
    ("--start", ["--start", "yesterday"]),
    ("--start", ["--start", "2026-13-01"]),
    ("--timezone", ["--timezone", "Mars/Olympus_Mons"]),
    ("--timezone", ["--timezone", "../etc/passwd"]),
    ("--anchor", ["--anchor", "0"]),
    ("--anchor", ["--anchor", "29"]),
    ("--anchor", ["--anchor", "abc"]),
    ("--anchor", ["--anchor", "1", "--interval", "week"]),
    ("--short-month-rule", ["--short-month-rule", "round_down"]),
    ("--setup-fee", ["--setup-fee", "-5"]),
    ("--setup-fee", ["--setup-fee", "five"]),
    ("--trial-days", ["--trial-days", "-1"]),
    ("--trial-days", ["--trial-days", "two"]),
    ("--trial-intervals", ["--trial-intervals", "-1"]),
    ("--trial-intervals", ["--trial-intervals", "1", "--trial-days", "7"]),
    ("--quantity", ["--quantity", "0"]),
    ("--quantity", ["--quantity", "-3"]),
    ("--quantity", ["--quantity", "10000000000000000000000000000000"]),
    ("--price", ["--price", "1000000000000000000000000000000"]),
    ("--cycles", ["--cycles", "0"]),
    ("--periods", ["--periods", "0"]),
    ("--periods", ["--periods", str(MAX_PERIODS + 1)]),
    ("--start", ["--start", "9999-12-01"]),
]


@pytest.mark.parametrize(
    ("flag", "bad"), BAD_INPUTS, ids=[f"{flag}={' '.join(bad[1:])}" for flag, bad in BAD_INPUTS]
)
def test_a_bad_flag_exits_2_naming_it_on_one_line(capsys, flag, bad):
    base = {"--interval": "month", "--price": "30.00", "--currency": "EUR", "--start": "2026-11-16"}
    overrides = dict(zip(bad[::2], bad[1::2], strict=True))
    argv = [item for key, value in {**base, **overrides}.items() for item in (key, value)]
    code, out, err = schedule(capsys, *argv)
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"saleor-subscriptions schedule: error: {flag}: ")


def test_a_missing_flag_is_one_line_naming_it(capsys):
    code, out, err = schedule(capsys, "--interval", "month", "--currency", "EUR", "--start", "2026-01-01")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert "--price" in err


def test_a_prorated_kwd_charge_is_in_steps_of_ten_fils(capsys):
    """14.520 KWD a month, anchor the 1st, bought 20 November: 11 of 30 days is 5.324, charged 5.320 (§3)."""
    result = charges_of(
        capsys,
        "--interval",
        "month",
        "--price",
        "14.52",
        "--currency",
        "KWD",
        "--start",
        "2026-11-20",
        "--anchor",
        "1",
        "--periods",
        "2",
    )
    assert [c["amount"] for c in result["charges"]] == ["5.320", "14.520"]
