import { fireEvent, screen, waitFor, within } from "@testing-library/react";
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

const PLANS = [
  { id: "UGxhbjox", name: "Coffee monthly", productId: "p1", channel: "eu", currency: "EUR", archivedAt: null, terms: { version: 3 } },
  { id: "UGxhbjoy", name: "Tea", productId: "p2", channel: "eu", currency: "EUR", archivedAt: "2026-11-01T00:00:00+00:00", terms: { version: 1 } },
];

function client() {
  const executeQuery = vi.fn((operation: { query: { definitions: { name?: { value: string } }[] } }) => {
    const name = operation.query.definitions[0]?.name?.value;
    const data = { BackgroundJob: DONE, PlanChoices: { planChoices: PLANS }, SubscriptionCounts: COUNTS }[name ?? ""] ?? PAGE;
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
  it("cancels now without credit after a confirmation naming how many and how", async () => {
    const user = userEvent.setup();
    const { client: mock, executeMutation } = client();
    renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, { client: mock, url: "/subscriptions" });

    await user.click(await screen.findByRole("checkbox", { name: "Select every subscription on this page" }));
    await user.click(within(screen.getByRole("group", { name: "Bulk actions" })).getByRole("button", { name: "Cancel" }));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByText("Cancel 3 subscriptions as each plan says?")).toBeInTheDocument();
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "When it ends" }), "IMMEDIATELY");
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Credit for the unused part of the period" }), "no");
    expect(within(dialog).getByText("Cancel 3 subscriptions now, without credit?")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));

    expect(executeMutation.mock.calls[0]?.[1]).toEqual({
      action: "CANCEL",
      ids: ["sub-1", "sub-2", "sub-3"],
      effect: "IMMEDIATELY",
      credit: false,
    });
  });

  it("cancels at the period's end with no credit option sent", async () => {
    const user = userEvent.setup();
    const { client: mock, executeMutation } = client();
    renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, { client: mock, url: "/subscriptions", locale: "nl" });

    await user.click(await screen.findByRole("checkbox", { name: "Alle abonnementen op deze pagina selecteren" }));
    await user.click(within(screen.getByRole("group", { name: "Bulkacties" })).getByRole("button", { name: "Opzeggen" }));
    const dialog = screen.getByRole("dialog");
    await user.selectOptions(within(dialog).getByRole("combobox", { name: "Wanneer het eindigt" }), "PERIOD_END");
    expect(within(dialog).queryByRole("combobox", { name: /Tegoed/ })).not.toBeInTheDocument();
    expect(within(dialog).getByText("3 abonnementen aan het einde van de periode opzeggen?")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Bevestigen" }));
    expect(executeMutation.mock.calls[0]?.[1]).toEqual({ action: "CANCEL", ids: ["sub-1", "sub-2", "sub-3"], effect: "PERIOD_END" });
  });

  it("migrates prices to the newest version of the plan picked, from a date, after a confirmation", async () => {
    const user = userEvent.setup();
    const { client: mock, executeMutation } = client();
    renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, { client: mock, url: "/subscriptions" });

    await user.click(await screen.findByRole("checkbox", { name: "Select every subscription on this page" }));
    await user.click(screen.getByRole("button", { name: "Price migration" }));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByText("Move 3 subscriptions to the newest version of their plan?")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    expect(executeMutation).not.toHaveBeenCalled();
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Pick the plan whose newest version");

    const plan = within(dialog).getByRole("combobox", { name: "Move to the newest version of" });
    expect(within(plan).getByRole("option", { name: "Tea (EUR), version 1 (archived)" })).toBeInTheDocument();
    await user.selectOptions(plan, "UGxhbjox");
    expect(within(dialog).getByText(/^To version 3 \(the newest of Coffee monthly\)/)).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText("From (empty: the earliest the notice allows)"), {
      target: { value: "2027-01-01" },
    });
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));

    expect(executeMutation.mock.calls[0]?.[1]).toEqual({
      action: "PRICE_MIGRATION",
      ids: ["sub-1", "sub-2", "sub-3"],
      version: 3,
      effectiveOn: "2027-01-01",
    });
  });
  it("marks the session expired when the API refuses the token of the CSV export", async () => {
    const user = userEvent.setup();
    const expired = { errors: [{ message: "the token has expired", extensions: { code: "EXPIRED_TOKEN" } }] };
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response(JSON.stringify(expired), { status: 401 }))));
    try {
      const { client: mock } = client();
      const { dispatched } = renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, {
        client: mock,
        url: "/subscriptions",
      });
      await user.click(await screen.findByRole("button", { name: "Export CSV" }));
      await waitFor(() => expect(screen.getByTestId("session")).toHaveTextContent("expired"));
      expect(dispatched.filter((a) => a.type === "notification")).toHaveLength(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
