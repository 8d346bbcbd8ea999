"""`forget_idempotency_keys()`: the fake forgets idempotency keys as Stripe does after 24 hours."""

from __future__ import annotations

from tests.fakes.stripe import FakeStripe


def _pay(fake: FakeStripe, key: str) -> str:
    intent = fake.client(max_network_retries=0).v1.payment_intents.create(
        params={"amount": 1000, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True},
        options={"idempotency_key": key},
    )
    return str(intent.id)


def test_a_key_replays_until_it_is_forgotten_then_runs_afresh(fake_stripe: FakeStripe) -> None:
    first = _pay(fake_stripe, "attempt-1")
    replayed = _pay(fake_stripe, "attempt-1")

    assert fake_stripe.forget_idempotency_keys() == 1
    afresh = _pay(fake_stripe, "attempt-1")

    assert replayed == first and afresh != first
    assert fake_stripe.count("payment_intent") == 2
    assert [r.replayed for r in fake_stripe.requests("POST", "/v1/payment_intents")] == [False, True, False]
