"""`staffSubscriptionsBulkAction`, `backgroundJob(s)` and `testClockAdvance` through /graphql/: a job is made
at once with one row per subscription chosen (a filter resolved when asked), its options checked; refusals
name their argument. The rows are run here in the test's process (`run_chunk`, what the worker's task
calls); tests/jobs/test_worker.py runs them in a real worker."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from saleor_subscriptions.api.ids import global_id, parse_global_id
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.jobs.models import BackgroundJob, BackgroundJobRow
from saleor_subscriptions.jobs.runner import run_chunk
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.api.staff_support import staff_events, staff_token, staff_user_id, sub_id, subscription, version

BULK = """
mutation Bulk($action: SubscriptionBulkAction!, $ids: [ID!], $filter: SubscriptionFilterInput,
              $search: String, $periods: Int, $version: Int, $reason: String) {
  staffSubscriptionsBulkAction(action: $action, ids: $ids, filter: $filter, search: $search,
                               periods: $periods, version: $version, reason: $reason) {
    job { id kind status total done failed startedBy options }
    errors { field code message }
  }
}
"""
JOB = """
query Job($id: ID!, $outcome: BackgroundJobRowOutcome) {
  backgroundJob(id: $id) {
    status total done failed
    results(outcome: $outcome) { subscriptionId number outcome code message }
  }
}
"""
JOBS = "query { backgroundJobs(first: 10) { totalCount edges { node { kind status total } } } }"
CLOCK = "query { testClock { now sandbox job { id } } }"
ADVANCE = """
mutation Advance($to: DateTime!) {
  testClockAdvance(to: $to) { job { kind status total options } errors { field code message } }
}
"""
SETTINGS = ("MANAGE_SETTINGS",)


def _pk(shown: str) -> int:
    pk = parse_global_id(shown, "BackgroundJob")
    assert pk is not None
    return pk


def _run(job_id: int) -> None:
    while run_chunk(job_id, chunk=2):
        pass


def test_a_bulk_pause_by_filter_takes_the_subscriptions_matching_when_asked_and_records_each(api, shop):
    plan = version(shop)
    anna = subscription(shop, plan, customer_email="anna@example.com")
    bob = subscription(shop, plan, customer_email="bob@example.com")
    paused = subscription(shop, plan, status="paused", customer_email="cas@example.com")
    subscription(shop, plan, status="cancelled")  # not matched by the filter
    token = staff_token(shop)

    answer = api.data(
        BULK,
        {"action": "PAUSE", "filter": {"status": ["ACTIVE", "PAUSED"]}, "periods": 2, "reason": "winter"},
        token=token,
    )
    late = subscription(shop, plan)  # matches the filter, but after the owner asked
    job_id = _pk(answer["job"]["id"])
    queued = answer["job"]
    _run(job_id)
    shown = api.data(JOB, {"id": answer["job"]["id"]}, token=token)
    failed = api.data(JOB, {"id": answer["job"]["id"], "outcome": "FAILED"}, token=token)

    assert answer["errors"] == []
    assert (queued["kind"], queued["status"], queued["total"], queued["done"]) == ("PAUSE", "QUEUED", 3, 0)
    assert queued["startedBy"] == staff_user_id(shop)
    assert (shown["status"], shown["total"], shown["done"], shown["failed"]) == ("DONE", 3, 3, 1)
    assert [r["outcome"] for r in shown["results"]] == ["OK", "OK", "FAILED"]
    assert failed["results"] == [
        {
            "subscriptionId": sub_id(paused),
            "number": paused.pk,
            "outcome": "FAILED",
            "code": "NOT_ALLOWED_IN_STATE",
            "message": failed["results"][0]["message"],
        }
    ]
    assert failed["results"][0]["message"]
    me = staff_user_id(shop)
    for sub in (anna, bob):
        assert Subscription.objects.get(pk=sub.pk).status == "paused"
        assert staff_events(sub) == [("pause", "staff", me, "winter")]
    assert staff_events(paused) == [] and staff_events(late) == []
    assert Subscription.objects.get(pk=late.pk).status == "active"


def test_a_row_is_never_applied_twice_when_the_job_runs_again(api, shop):
    plan = version(shop)
    subs = [subscription(shop, plan) for _ in range(3)]
    answer = api.data(
        BULK, {"action": "SKIP_NEXT_PERIOD", "ids": [sub_id(s) for s in subs]}, token=staff_token(shop)
    )
    job = BackgroundJob.objects.get(pk=_pk(answer["job"]["id"]))

    run_chunk(job.pk, chunk=2)  # a worker that did two rows, then died
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING)
    _run(job.pk)  # the job sent again
    _run(job.pk)  # and once more, finished

    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == ("done", 3, 0)
    for sub in subs:
        assert [e[0] for e in staff_events(sub)] == ["skip"]
        assert Subscription.objects.get(pk=sub.pk).skip_periods == [1]


def test_a_price_migration_moves_each_subscription_to_the_version_and_refuses_a_missing_one(api, shop):
    old = version(shop)
    sub = subscription(shop, old)
    other = subscription(shop)  # another plan, which has no version 2
    new = PlanVersion.objects.create(
        installation=old.installation,
        plan=old.plan,
        version=2,
        interval=old.interval,
        price=Decimal("33.00"),
        price_change_notice_days=30,
    )
    variables = {"action": "PRICE_MIGRATION", "ids": [sub_id(sub), sub_id(other)], "version": 2}
    answer = api.data(BULK, variables, token=staff_token(shop))
    _run(_pk(answer["job"]["id"]))

    rows = BackgroundJobRow.objects.filter(job_id=_pk(answer["job"]["id"])).order_by("position")
    assert [(r.outcome, r.code) for r in rows] == [("ok", ""), ("failed", "plan_not_found")]
    assert rows[1].message == "the plan has no version 2"
    moved = Subscription.objects.get(pk=sub.pk)
    assert (moved.pending_plan_version_id, str(moved.pending_plan_version_from)) == (new.pk, "2026-12-16")
    assert [e[:3] for e in staff_events(sub)] == [("price_change_scheduled", "staff", staff_user_id(shop))]
    assert staff_events(other) == []


def test_bulk_action_refusals_name_their_argument(api, shop):
    plan = version(shop)
    sub = subscription(shop, plan)
    token = staff_token(shop)

    def refused(variables):
        answer = api.data(BULK, variables, token=token)
        assert answer["job"] is None
        [error] = answer["errors"]
        assert error["message"]
        return error["field"], error["code"]

    stranger = global_id("Subscription", 10**9)
    assert refused({"action": "PAUSE"}) == ("filter", "NO_SUBSCRIPTIONS")
    assert refused({"action": "PAUSE", "filter": {"status": ["EXPIRED"]}}) == ("ids", "NO_SUBSCRIPTIONS")
    assert refused({"action": "PAUSE", "ids": [sub_id(sub)], "filter": {}}) == ("ids", "INVALID_OPTION")
    assert refused({"action": "PAUSE", "ids": [stranger]}) == ("ids", "NOT_FOUND")
    assert refused({"action": "PAUSE", "ids": ["nonsense"]}) == ("ids", "NOT_FOUND")
    assert refused({"action": "PAUSE", "ids": [sub_id(sub)], "periods": 0}) == ("periods", "INVALID_OPTION")
    assert refused({"action": "PAUSE", "ids": [sub_id(sub)], "reason": "x" * 201}) == (
        "reason",
        "INVALID_OPTION",
    )
    assert refused({"action": "PRICE_MIGRATION", "ids": [sub_id(sub)]}) == ("version", "INVALID_OPTION")
    assert refused({"action": "RESUME", "ids": [sub_id(sub)] * 1001}) == ("ids", "TOO_MANY_SUBSCRIPTIONS")
    assert BackgroundJob.objects.count() == 0


def test_jobs_are_the_shops_own_and_listed_newest_first(api, shop):
    plan = version(shop)
    sub = subscription(shop, plan)
    token = staff_token(shop)
    first = api.data(BULK, {"action": "PAUSE", "ids": [sub_id(sub)]}, token=token)
    api.data(BULK, {"action": "RESUME", "ids": [sub_id(sub)]}, token=token)
    elsewhere = Installation.objects.create(saleor_api_url="https://other.example.com/graphql/")
    theirs = BackgroundJob.objects.create(installation=elsewhere, kind="pause", started_by="x")

    listed = api.data(JOBS, token=token)
    not_ours = api.data(JOB, {"id": global_id("BackgroundJob", theirs.pk)}, token=token)

    assert listed["totalCount"] == 2
    assert [e["node"]["kind"] for e in listed["edges"]] == ["RESUME", "PAUSE"]
    assert not_ours is None
    assert api.data(JOB, {"id": first["job"]["id"]}, token=token)["total"] == 1


def test_the_test_clock_is_shown_and_an_advance_is_queued_as_a_job(api, shop):
    token = staff_token(shop, SETTINGS)

    clock = api.data(CLOCK, token=token)
    answer = api.data(ADVANCE, {"to": "2026-12-20T10:00:00+00:00"}, token=token)
    busy = api.data(ADVANCE, {"to": "2026-12-21T10:00:00+00:00"}, token=token)
    shown = api.data(CLOCK, token=token)

    assert clock == {"now": "2026-11-16T10:00:00+00:00", "sandbox": True, "job": None}
    assert answer["errors"] == []
    job = answer["job"]
    assert (job["kind"], job["status"], job["total"]) == ("TEST_CLOCK", "QUEUED", 100)
    assert shown["job"] is not None
    assert [(e["field"], e["code"]) for e in busy["errors"]] == [("to", "CLOCK_BUSY")]


def test_the_test_clock_refuses_the_past_and_a_live_installation(api, shop):
    token = staff_token(shop, SETTINGS)

    past = api.data(ADVANCE, {"to": "2026-11-15T10:00:00+00:00"}, token=token)
    Installation.objects.filter(pk=shop.installation.pk).update(sandbox=False, clock=None)
    live = api.data(ADVANCE, {"to": "2030-01-01T00:00:00+00:00"}, token=token)
    live_clock = api.data(CLOCK, token=token)

    assert past["job"] is None
    assert [(e["field"], e["code"]) for e in past["errors"]] == [("to", "IN_THE_PAST")]
    assert "only moves forward" in past["errors"][0]["message"]
    assert live["job"] is None
    assert [(e["field"], e["code"]) for e in live["errors"]] == [("sandbox", "NOT_A_SANDBOX")]
    assert live_clock["sandbox"] is False
    assert abs(datetime.fromisoformat(live_clock["now"]) - datetime.now(UTC)).total_seconds() < 60
    assert BackgroundJob.objects.count() == 0


def test_plan_choices_list_every_plan_of_the_shop_archived_too(api, shop):
    coffee = version(shop, name="Coffee monthly")
    tea = version(shop, name="Tea monthly")
    tea.plan.status = "archived"
    tea.plan.save()

    choices = api.data("query { planChoices { id name productId status } }", token=staff_token(shop))

    shown = [(c["name"], c["status"]) for c in choices]
    assert shown == [("Coffee monthly", "ACTIVE"), ("Tea monthly", "ARCHIVED")]
    assert coffee.plan.product_id == choices[0]["productId"]
