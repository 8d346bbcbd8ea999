import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router-dom";
import type { Client } from "urql";
import { describe, expect, it, vi } from "vitest";
import { fromValue } from "wonka";

import { renderPage } from "../../test/render";
import { localToIso, TestClockSection } from "./TestClockSection";

const JOB = { id: "job-9", kind: "TEST_CLOCK", total: 100, failed: 0, createdAt: "", finishedAt: null };

function client(sandbox: boolean, answer: unknown) {
  const executeQuery = vi.fn((operation: { query: { definitions: { name?: { value: string } }[] } }) => {
    const name = operation.query.definitions[0]?.name?.value;
    const data =
      name === "BackgroundJob"
        ? { backgroundJob: { ...JOB, status: "DONE", done: 100, message: "the clock is at …: 3 events", failures: [] } }
        : { testClock: { now: "2026-11-16T10:00:00+00:00", sandbox, job: null } };
    return fromValue({ data, stale: false, hasNext: false });
  });
  const mutation = vi.fn<(query: unknown, variables: Record<string, unknown>) => { toPromise: () => Promise<unknown> }>(
    () => ({ toPromise: () => Promise.resolve({ data: { testClockAdvance: answer } }) }),
  );
  return { client: { executeQuery, mutation } as unknown as Client, mutation };
}

function render(mock: Client, locale: "en" | "nl" = "en") {
  return renderPage(<Route path="/" element={<TestClockSection />} />, { client: mock, url: "/", locale });
}

describe("the test clock", () => {
  it("advances a sandbox's clock and shows the job's progress", async () => {
    const user = userEvent.setup();
    const { client: mock, mutation } = client(true, { job: { ...JOB, status: "QUEUED", done: 0, message: null }, errors: [] });
    render(mock);

    await user.type(await screen.findByLabelText("Advance to"), "2026-12-20T10:00");
    await user.click(screen.getByRole("button", { name: "Advance" }));

    expect(mutation.mock.calls[0]?.[1]).toEqual({ to: localToIso("2026-12-20T10:00") });
    const progress = await screen.findByRole("region", { name: "Progress" });
    expect(within(progress).getByText("100% of the way")).toBeInTheDocument();
    expect(within(progress).getByText("the clock is at …: 3 events")).toBeInTheDocument();
  });

  it("shows the API's refusal of a moment in the past on its field", async () => {
    const user = userEvent.setup();
    const refusal = { field: "to", code: "IN_THE_PAST", message: "the clock is at 16 Nov; it only moves forward" };
    const { client: mock } = client(true, { job: null, errors: [refusal] });
    const { dispatched } = render(mock);

    await user.type(await screen.findByLabelText("Advance to"), "2026-11-01T10:00");
    await user.click(screen.getByRole("button", { name: "Advance" }));

    expect(await screen.findByText(refusal.message)).toBeInTheDocument();
    expect(dispatched.some((a) => a.type === "notification" && a.payload.status === "error")).toBe(true);
  });

  it("says a live installation has no test clock, in Dutch", async () => {
    const { client: mock } = client(false, null);
    render(mock, "nl");

    expect(await screen.findByText("Deze installatie is live: ze loopt op de echte tijd en heeft geen testklok.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Vooruitzetten" })).toBeNull();
  });

  it("reads a local date-time as a moment with its offset", () => {
    expect(localToIso("")).toBeNull();
    expect(localToIso("nonsense")).toBeNull();
    expect(localToIso("2026-12-20T10:00")).toBe(new Date("2026-12-20T10:00").toISOString());
  });
});
