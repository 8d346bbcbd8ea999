import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router-dom";
import type { Client } from "urql";
import { describe, expect, it, vi } from "vitest";
import { fromValue } from "wonka";

import { renderPage } from "../../test/render";
import { SubscriptionsPage } from "./SubscriptionsPage";

function node(number: number, status = "ACTIVE") {
  return {
    id: `sub-${number}`,
    number,
    status,
    customerEmail: `c${number}@example.com`,
    customerName: "",
    amount: "30.00",
    currency: "USD",
    attention: [],
    plan: { name: "Coffee monthly" },
    nextBillingAt: "2026-12-16T09:00:00+00:00",
    createdAt: "2026-11-16T09:00:00+00:00",
  };
}

const PAGE = {
  subscriptions: {
    totalCount: 45,
    pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: "a", endCursor: "b" },
    edges: [node(1), node(2), node(3, "PAUSED")].map((n) => ({ node: n })),
  },
};
const COUNTS = { byStatus: { statusCounts: [{ status: "ACTIVE", count: 45 }] }, attention: { totalCount: 0 } };
const JOB = { id: "job-1", kind: "PAUSE", total: 45, failed: 1, message: null, createdAt: "", finishedAt: null };
const DONE = {
  backgroundJob: {
    ...JOB,
    status: "DONE",
    done: 45,
    failures: [{ subscriptionId: "sub-3", number: 3, code: "NOT_ALLOWED_IN_STATE", message: "it is paused" }],
  },
};

function client() {
  const executeQuery = vi.fn((operation: { query: { definitions: { name?: { value: string } }[] } }) => {
    const name = operation.query.definitions[0]?.name?.value;
    const data = { BackgroundJob: DONE, PlanChoices: { planChoices: [] }, SubscriptionCounts: COUNTS }[name ?? ""] ?? PAGE;
    return fromValue({ data, stale: false, hasNext: false });
  });
  const started = { data: { staffSubscriptionsBulkAction: { job: { ...JOB, status: "QUEUED", done: 0 }, errors: [] } } };
  const mutation = vi.fn<(query: unknown, variables: Record<string, unknown>) => { toPromise: () => Promise<unknown> }>(
    () => ({ toPromise: () => Promise.resolve(started) }),
  );
  return { client: { executeQuery, mutation } as unknown as Client, executeMutation: mutation };
}

describe("bulk actions on the subscriptions list", () => {
  it("pauses every subscription matching the filter after a confirmation naming how many, then shows the results", async () => {
    const user = userEvent.setup();
    const { client: mock, executeMutation } = client();
    const { dispatched } = renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, {
      client: mock,
      url: "/subscriptions?tab=ACTIVE",
    });

    await user.click(await screen.findByRole("checkbox", { name: "Select #1" }));
    expect(screen.getByText("1 subscription selected")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Select all 45 matching the filter" }));
    await user.click(screen.getByRole("button", { name: "Pause" }));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByText("Pause 45 subscriptions?")).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText("Reason (kept on each event)"), "winter");
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));

    const variables = executeMutation.mock.calls[0]?.[1];
    expect(variables).toEqual({ action: "PAUSE", filter: { status: ["ACTIVE"] }, search: null, reason: "winter" });
    const progress = await screen.findByRole("region", { name: "Progress" });
    expect(within(progress).getByText("45 of 45 done, 1 refused")).toBeInTheDocument();
    expect(within(progress).getByText("it is paused")).toBeInTheDocument();
    await waitFor(() =>
      expect(dispatched.some((a) => a.type === "notification" && a.payload.title === "Bulk action finished")).toBe(true),
    );
  });

  it("refuses a pause of zero periods in the dialog, in Dutch", async () => {
    const user = userEvent.setup();
    const { client: mock, executeMutation } = client();
    renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, { client: mock, url: "/subscriptions", locale: "nl" });

    await user.click(await screen.findByRole("checkbox", { name: "Alle abonnementen op deze pagina selecteren" }));
    await user.click(screen.getByRole("button", { name: "Pauzeren" }));
    expect(screen.getByText("3 abonnementen pauzeren?")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Aantal periodes pauzeren (leeg: tot hervat)"), "0");
    await user.click(screen.getByRole("button", { name: "Bevestigen" }));

    expect(executeMutation).not.toHaveBeenCalled();
    expect(screen.getByText("Een geheel aantal periodes, minstens 1.")).toBeInTheDocument();
  });
});
