"""Gap-free document numbers per installation and kind (§4, §8)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from saleor_subscriptions.invoicing.models import NumberSequence
from saleor_subscriptions.invoicing.numbering import take_number
from tests.factories import make_installation


@pytest.mark.django_db
def test_numbers_run_from_1_per_installation_and_kind():
    shop = make_installation()
    other = make_installation("https://other.example.com/graphql/")
    assert [take_number(shop, "invoice") for _ in range(3)] == ["INV-000001", "INV-000002", "INV-000003"]
    assert take_number(shop, "credit_note") == "CN-000001"
    assert take_number(other, "invoice") == "INV-000001"
    sequence = NumberSequence.objects.get(installation=shop, kind="invoice")
    assert (sequence.prefix, sequence.next_number) == ("INV-", 4)


@pytest.mark.django_db
def test_a_number_taken_in_a_transaction_that_rolls_back_is_given_again():
    shop = make_installation()
    assert take_number(shop, "invoice") == "INV-000001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert take_number(shop, "invoice") == "INV-000002"
        raise RuntimeError("the invoice could not be saved")
    assert take_number(shop, "invoice") == "INV-000002"


@pytest.mark.django_db
def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown number sequence kind"):
        take_number(make_installation(), "receipt")


@pytest.mark.django_db(transaction=True)
def test_eight_threads_taking_five_numbers_each_get_1_to_40_without_gaps_or_duplicates():
    shop = make_installation()
    barrier = threading.Barrier(8)
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                number = take_number(shop, "invoice")
                with lock:
                    taken.append(number)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(taken) == [f"INV-{n:06d}" for n in range(1, 41)]
