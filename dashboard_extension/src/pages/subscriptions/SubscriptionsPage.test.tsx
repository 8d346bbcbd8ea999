import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router-dom";
import type { Client } from "urql";
import { describe, expect, it, vi } from "vitest";
import { CombinedError } from "urql";
import { concat, fromValue, never } from "wonka";

import { renderPage } from "../../test/render";
import { SEARCH_DEBOUNCE_MS, SubscriptionsPage } from "./SubscriptionsPage";

const PAGE = {
  subscriptions: {
    totalCount: 21,
    pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: "first", endCursor: "twentieth" },
    edges: [
      {
        node: {
          id: "U3Vic2NyaXB0aW9uOjEy",
          number: 12,
          status: "PAST_DUE",
          customerEmail: "bob@example.com",
          customerName: "Bob Jones",
          amount: "60.00",
          currency: "USD",
          attention: ["PAST_DUE"],
          plan: { name: "Coffee monthly" },
          nextBillingAt: "2026-11-20T09:00:00+00:00",
          createdAt: "2026-01-02T09:00:00+00:00",
        },
      },
    ],
  },
};
const COUNTS = {
  byStatus: { statusCounts: [{ status: "ACTIVE", count: 20 }, { status: "PAST_DUE", count: 1 }] },
  attention: { totalCount: 1 },
};

function client() {
  const executeQuery = vi.fn((operation: { query: { definitions: { name?: { value: string } }[] } }) => {
    const name = operation.query.definitions[0]?.name?.value;
    return fromValue({ data: name === "SubscriptionCounts" ? COUNTS : PAGE, stale: false, hasNext: false });
  });
  return { client: { executeQuery } as unknown as Client, executeQuery };
}

function listVariablesOf(executeQuery: ReturnType<typeof client>["executeQuery"]) {
  return executeQuery.mock.calls
    .map(([operation]) => operation as unknown as { query: { definitions: { name?: { value: string } }[] }; variables: Record<string, unknown> })
    .filter((operation) => operation.query.definitions[0]?.name?.value === "SubscriptionList")
    .map((operation) => operation.variables);
}

describe("the subscriptions list", () => {
  it("shows the rows, the tabs' figures and links each row to its page, in Dutch", async () => {
    const { client: mock } = client();
    renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, { client: mock, url: "/subscriptions", locale: "nl" });

    expect(await screen.findByText("Bob Jones")).toBeInTheDocument();
    expect(screen.getByText("21 abonnementen")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "#12" })).toHaveAttribute("href", "/subscriptions/U3Vic2NyaXB0aW9uOjEy");
    expect(screen.getByRole("button", { name: "Alle 21" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByRole("button", { name: "Vraagt aandacht 1" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Achterstallig 1" })).toBeInTheDocument();
    expect(screen.getByText("60.00 USD")).toBeInTheDocument();
  });

  it("puts a tab, the sort and the next page in the URL, and asks the API for them", async () => {
    const user = userEvent.setup();
    const { client: mock, executeQuery } = client();
    renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, { client: mock, url: "/subscriptions?q=bob" });

    await user.click(await screen.findByRole("button", { name: /^Needs attention/ }));
    expect(screen.getByTestId("where")).toHaveTextContent("/subscriptions?tab=attention&q=bob");
    fireEvent.change(screen.getByLabelText("Sort by"), { target: { value: "NEXT_BILLING" } });
    expect(screen.getByTestId("where")).toHaveTextContent("/subscriptions?tab=attention&q=bob&sort=NEXT_BILLING");
    await user.click(await screen.findByRole("button", { name: "Next page" }));
    expect(screen.getByTestId("where")).toHaveTextContent("sort=NEXT_BILLING&after=twentieth");
    expect(screen.getByRole("button", { name: "Previous page" })).toBeDisabled();

    await waitFor(() =>
      expect(listVariablesOf(executeQuery).at(-1)).toMatchObject({
        search: "bob",
        filter: { attention: ["PAST_DUE", "SUSPENDED", "ACTION_REQUIRED", "ORDER_FAILED"] },
        sortBy: { field: "NEXT_BILLING", direction: "DESC" },
        first: 20,
        after: "twentieth",
      }),
    );
  });

  it("waits for the owner to stop typing before searching, then starts at the first page", () => {
    vi.useFakeTimers();
    try {
      const { client: mock, executeQuery } = client();
      renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, {
        client: mock,
        url: "/subscriptions?after=twentieth",
      });
      const box = screen.getByLabelText("Search");
      for (const typed of ["a", "an", "ann", "anna"]) {
        fireEvent.change(box, { target: { value: typed } });
        act(() => vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 50));
      }
      expect(screen.getByTestId("where")).toHaveTextContent("/subscriptions?after=twentieth");
      act(() => vi.advanceTimersByTime(60));
      expect(screen.getByTestId("where").textContent).toBe("/subscriptions?q=anna");
      const searched = listVariablesOf(executeQuery).map((v) => v.search);
      expect(searched).toEqual([null, "anna"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows a refused list as an error state and a dashboard notification with the API's message", async () => {
    const error = new CombinedError({
      graphQLErrors: [{ message: "You need one of the following permissions: MANAGE_ORDERS", extensions: { code: "PERMISSION_DENIED" } }],
    });
    // urql's real sources stay open after a result; one that completes would clear the error.
    const executeQuery = vi.fn(() => concat([fromValue({ data: undefined, error, stale: false, hasNext: false }), never]));
    const { dispatched } = renderPage(<Route path="/subscriptions" element={<SubscriptionsPage />} />, {
      client: { executeQuery } as unknown as Client,
      url: "/subscriptions",
    });

    await waitFor(() => expect(document.querySelector("[data-state]")?.getAttribute("data-state")).toBe("error"));
    expect(await screen.findByRole("alert")).toHaveTextContent("You need one of the following permissions: MANAGE_ORDERS");
    await waitFor(() =>
      expect(dispatched).toContainEqual(
        expect.objectContaining({
          type: "notification",
          payload: expect.objectContaining({ status: "error", text: "You need one of the following permissions: MANAGE_ORDERS" }),
        }),
      ),
    );
  });
});
