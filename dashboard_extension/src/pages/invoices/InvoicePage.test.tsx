import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router-dom";
import type { Client } from "urql";
import { describe, expect, it, vi } from "vitest";
import { fromValue } from "wonka";

import { renderPage } from "../../test/render";
import { invoiceActionsOf } from "./actions";
import { InvoicePage } from "./InvoicePage";
import { InvoicesPage } from "./InvoicesPage";

const ID = "SW52b2ljZTo3";

const INVOICE = {
  id: ID,
  number: "SUB-0007",
  status: "PAID",
  billingReason: "renewal",
  currency: "USD",
  channel: "default-channel",
  subscriptionId: "U3Vic2NyaXB0aW9uOjEy",
  subscriptionNumber: 12,
  customerEmail: "bob@example.com",
  customerName: "Bob Jones",
  periodStart: "2026-11-16",
  periodEnd: "2026-12-16",
  subtotal: "60.00",
  tax: "0.00",
  total: "60.00",
  creditApplied: "0.00",
  amountDue: "60.00",
  amountPaid: "60.00",
  refundable: "50.00",
  dueAt: "2026-11-16T09:00:00+00:00",
  issuedAt: "2026-11-16T09:00:00+00:00",
  paidAt: "2026-11-16T09:01:00+00:00",
  closedAt: null,
  saleorOrderId: "T3JkZXI6MQ==",
  orderProblem: "",
  documentUrl: "https://app.example.com/documents/7.pdf",
  lines: [
    {
      position: 1,
      kind: "plan",
      description: "Coffee monthly",
      formula: "30.00 × 2",
      quantity: "2",
      unitAmount: "30.00",
      amount: "60.00",
      taxAmount: "0.00",
    },
  ],
  payments: [
    {
      number: 1,
      status: "succeeded",
      amount: "60.00",
      currency: "USD",
      stripeReference: "pi_1",
      declineCode: "",
      createdAt: "2026-11-16T09:00:00+00:00",
      completedAt: "2026-11-16T09:01:00+00:00",
    },
  ],
  refunds: [],
  creditNotes: [
    {
      id: "Q3JlZGl0Tm90ZTox",
      number: "CN-0001",
      amount: "10.00",
      reason: "goodwill",
      createdAt: "2026-11-20T09:00:00+00:00",
      stripeRefund: null,
    },
  ],
};

type Named = { definitions: { name?: { value: string } }[] };

function mockClient(answer: (name: string, variables: Record<string, unknown>) => object, data: object) {
  const executeQuery = vi.fn(() => fromValue({ data, stale: false, hasNext: false }));
  const mutation = (query: Named, variables: Record<string, unknown>) => ({
    toPromise: () => Promise.resolve({ data: answer(query.definitions[0]?.name?.value ?? "", variables), error: undefined }),
  });
  return { client: { executeQuery, mutation } as unknown as Client, executeQuery };
}

function open(client: Client, locale: "en" | "nl" = "en") {
  return renderPage(<Route path="/invoices/:id" element={<InvoicePage />} />, { client, url: `/invoices/${ID}`, locale });
}

describe("an invoice's actions", () => {
  it("follow its state and what is left to refund", () => {
    expect(invoiceActionsOf("OPEN", "0.00")).toEqual(["retry", "markPaid", "void"]);
    expect(invoiceActionsOf("PAID", "50.00")).toEqual(["refund"]);
    expect(invoiceActionsOf("PAID", "0.00")).toEqual([]);
    expect(invoiceActionsOf("VOID", "0.00")).toEqual([]);
  });
});

describe("an invoice's page", () => {
  it("shows its figures, lines, payments, credit notes and PDF, and opens its order in the dashboard", async () => {
    const user = userEvent.setup();
    const { client } = mockClient(() => ({}), { invoice: INVOICE });
    const { dispatched } = open(client);

    expect(await screen.findByRole("heading", { name: "Invoice SUB-0007" })).toBeInTheDocument();
    expect(screen.getByText("Bob Jones · bob@example.com")).toBeInTheDocument();
    expect(screen.getByText("30.00 × 2")).toBeInTheDocument();
    expect(screen.getByText("pi_1")).toBeInTheDocument();
    expect(screen.getByText("CN-0001")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "PDF" })).toHaveAttribute("href", INVOICE.documentUrl);
    expect(screen.getByRole("link", { name: "Subscription #12" })).toHaveAttribute(
      "href",
      "/subscriptions/U3Vic2NyaXB0aW9uOjEy",
    );
    await user.click(screen.getByRole("button", { name: "Open the order in the dashboard" }));
    expect(dispatched.at(-1)).toMatchObject({ type: "redirect", payload: { to: "/orders/T3JkZXI6MQ%3D%3D" } });
  });

  it("previews a part refund as a credit note, then sends it once with a key", async () => {
    const user = userEvent.setup();
    const sent: Record<string, unknown>[] = [];
    const { client, executeQuery } = mockClient((name, variables) => {
      sent.push({ name, ...variables });
      return { staffInvoiceRefund: { refundedAmount: "12.50", stripeRefund: null, creditNote: { number: "CN-0002" }, errors: [] } };
    }, { invoice: INVOICE });
    const { dispatched } = open(client);

    await user.click(await screen.findByRole("button", { name: "Refund" }));
    const dialog = screen.getByRole("dialog", { name: "Refund" });
    const preview = () => within(dialog).getByText("What moves").parentElement as HTMLElement;
    expect(within(preview()).getByText("50.00 USD", { selector: "[data-preview=moneyBack]" })).toBeInTheDocument();

    fireEvent.change(within(dialog).getByLabelText("Amount (USD)"), { target: { value: "60" } });
    expect(within(dialog).getByText("At most 50.00 USD is left to give back.")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Confirm" })).toBeDisabled();

    fireEvent.change(within(dialog).getByLabelText("Amount (USD)"), { target: { value: "12.50" } });
    fireEvent.change(within(dialog).getByLabelText("Give back as"), { target: { value: "CREDIT_NOTE" } });
    expect(within(preview()).getByText("12.50 USD", { selector: "[data-preview=creditAdded]" })).toBeInTheDocument();
    expect(within(preview()).getByText("0.00 USD", { selector: "[data-preview=moneyBack]" })).toBeInTheDocument();
    expect(within(preview()).getByText("37.50 USD", { selector: "[data-preview=leftAfter]" })).toBeInTheDocument();
    expect(sent).toEqual([]);
    const reads = executeQuery.mock.calls.length;
    await user.click(within(dialog).getByRole("button", { name: "Refund 12.50 USD" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(sent).toEqual([
      { name: "StaffInvoiceRefund", id: ID, amount: "12.50", as: "CREDIT_NOTE", reason: null, idempotencyKey: expect.any(String) },
    ]);
    expect(dispatched.at(-1)).toMatchObject({ type: "notification", payload: { status: "success", title: "Refund made" } });
    expect(executeQuery.mock.calls.length).toBeGreaterThan(reads);
  });

  it("marks an open invoice paid, and shows a refusal with the API's message and field in Dutch", async () => {
    const user = userEvent.setup();
    const sent: Record<string, unknown>[] = [];
    const { client } = mockClient((name, variables) => {
      sent.push({ name, ...variables });
      return {
        staffInvoiceMarkPaid: {
          errors: [{ field: "reference", code: "INVALID_PAYMENT_REFERENCE", message: "1 to 80 characters" }],
        },
      };
    }, { invoice: { ...INVOICE, status: "OPEN", refundable: "0.00" } });
    const { dispatched } = open(client, "nl");

    await user.click(await screen.findByRole("button", { name: "Als betaald markeren" }));
    const dialog = screen.getByRole("dialog", { name: "Als betaald markeren" });
    await user.type(within(dialog).getByLabelText("Bankreferentie"), "NL-1");
    fireEvent.change(within(dialog).getByLabelText("Betaald op"), { target: { value: "2026-11-20" } });
    await user.click(within(dialog).getByRole("button", { name: "Bevestigen" }));

    await waitFor(() => expect(dispatched.some((a) => a.type === "notification")).toBe(true));
    expect(sent).toEqual([{ name: "StaffInvoiceMarkPaid", id: ID, reference: "NL-1", paidOn: "2026-11-20", reason: null }]);
    expect(dispatched.at(-1)).toMatchObject({
      type: "notification",
      payload: { status: "error", text: "1 to 80 characters", apiMessage: "reference: 1 to 80 characters" },
    });
    expect(within(dialog).getByLabelText("Bankreferentie")).toHaveAttribute("aria-invalid", "true");
  });
});

describe("the invoice list", () => {
  it("shows rows with why they need attention, and a tab changes the URL", async () => {
    const user = userEvent.setup();
    const list = {
      invoices: {
        totalCount: 1,
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: "a", endCursor: "a" },
        edges: [
          {
            node: {
              id: ID,
              number: "SUB-0007",
              status: "OPEN",
              currency: "USD",
              total: "60.00",
              amountDue: "60.00",
              dueAt: "2026-11-16T09:00:00+00:00",
              channel: "default-channel",
              customerEmail: "bob@example.com",
              customerName: "Bob Jones",
              subscriptionId: "U3Vic2NyaXB0aW9uOjEy",
              subscriptionNumber: 12,
              orderProblem: "",
              payments: [{ status: "declined", declineCode: "insufficient_funds" }],
            },
          },
        ],
      },
    };
    const { client, executeQuery } = mockClient(() => ({}), list);
    renderPage(<Route path="/invoices" element={<InvoicesPage />} />, { client, url: "/invoices" });

    expect(await screen.findByRole("link", { name: "SUB-0007" })).toHaveAttribute("href", `/invoices/${ID}`);
    expect(screen.getByText("Payment failed")).toBeInTheDocument();
    expect(screen.getByText("1 invoice")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Needs attention" }));
    expect(screen.getByTestId("where")).toHaveTextContent("/invoices?tab=attention");
    const last = executeQuery.mock.calls.at(-1) as unknown as [{ variables: Record<string, unknown> }];
    expect(last[0].variables).toMatchObject({ filter: { attention: true } });
  });
});
