import { Route } from "react-router-dom";
import type { Client } from "urql";
import { vi } from "vitest";
import { fromValue } from "wonka";

import { renderPage } from "../../test/render";
import { SubscriptionPage } from "./SubscriptionPage";

// A subscription as the API answers it, a mocked urql client, and the page opened on it: shared by the page's
// tests.
export const ID = "U3Vic2NyaXB0aW9uOjEy";
export const INVOICE = "SW52b2ljZTo3";

export const DETAIL = {
  subscription: {
    id: ID,
    number: 12,
    status: "PAST_DUE",
    channel: "default-channel",
    currency: "USD",
    quantity: 2,
    amount: "60.00",
    unitPrice: null,
    customerEmail: "bob@example.com",
    customerName: "Bob Jones",
    customerUserId: "VXNlcjox",
    createdAt: "2026-10-16T10:00:00+00:00",
    startedAt: "2026-10-16T10:00:00+00:00",
    currentPeriodStart: "2026-11-16",
    currentPeriodEnd: "2026-12-16",
    nextBillingAt: "2026-12-16T09:00:00+00:00",
    trialEnd: null,
    cancelAt: null,
    cancelledAt: null,
    cancelReason: null,
    pausedAt: null,
    suspendedAt: null,
    endedAt: null,
    attention: ["PAST_DUE"],
    plan: {
      id: "UGxhbjox",
      name: "Coffee monthly",
      productId: "UHJvZHVjdDox",
      channel: "default-channel",
      terms: { interval: "MONTH", intervalCount: 1, price: "30.00", version: 1, priceChangeNoticeDays: 30 },
    },
    terms: { version: 1 },
    paymentMethod: { type: "card", brand: "visa", last4: "4242" },
    paymentMethodType: "card",
    events: [
      {
        at: "2026-11-16T10:00:00+00:00",
        actorType: "system",
        actorId: "",
        kind: "payment_failed",
        fromStatus: "active",
        toStatus: "past_due",
        reason: "card_declined",
      },
    ],
    invoiceDetails: [
      {
        id: INVOICE,
        number: "SUB-0007",
        status: "OPEN",
        billingReason: "renewal",
        currency: "USD",
        total: "60.00",
        amountDue: "60.00",
        dueAt: "2026-11-16T09:00:00+00:00",
        paidAt: null,
        periodStart: "2026-11-16",
        periodEnd: "2026-12-16",
        documentUrl: "https://app.example.com/documents/7.pdf",
        creditNotes: [],
      },
    ],
    saleorOrders: [{ id: "T3JkZXI6MQ==", invoiceNumber: "SUB-0007", billingReason: "renewal" }],
    creditBalance: [{ currency: "USD", amount: "5.00" }],
    pendingChanges: { plan: null, planFrom: null, quantity: null, cancelAt: null, pausePeriodsRemaining: null, skippedPeriods: [] },
    dunning: {
      pastDueSince: "2026-11-16",
      daysDone: 0,
      nextStep: { day: 3, action: "retry" },
      nextStepAt: "2026-11-19T09:00:00+00:00",
      steps: [
        { day: 3, action: "retry" },
        { day: 7, action: "retry" },
      ],
    },
  },
};

type Operation = { query: { definitions: { name?: { value: string } }[] }; variables: Record<string, unknown> };

/** `data` answers every query (or, as a function, each query by its operation name). */
export function mockClient(
  answer: (name: string, variables: Record<string, unknown>) => object,
  data: object | ((name: string) => object) = DETAIL,
) {
  const executeQuery = vi.fn((operation: Operation) =>
    fromValue({
      data: typeof data === "function" ? data(operation.query.definitions[0]?.name?.value ?? "") : data,
      stale: false,
      hasNext: false,
    }),
  );
  const executeMutation = vi.fn((operation: Operation) =>
    fromValue({ data: answer(operation.query.definitions[0]?.name?.value ?? "", operation.variables), stale: false, hasNext: false }),
  );
  // runAction uses client.mutation(...).toPromise(), as urql's Client does.
  const mutation = (query: Operation["query"], variables: Record<string, unknown>) => ({
    toPromise: () =>
      Promise.resolve({ data: answer(query.definitions[0]?.name?.value ?? "", variables), error: undefined }),
  });
  const client = { executeQuery, executeMutation, mutation } as unknown as Client;
  return { client, executeQuery };
}

export function open(client: Client, locale: "en" | "nl" = "en") {
  return renderPage(<Route path="/subscriptions/:id" element={<SubscriptionPage />} />, {
    client,
    url: `/subscriptions/${ID}`,
    locale,
  });
}
