import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { invoiceActions, subscriptionActions } from "./actions";
import { DETAIL, ID, INVOICE, mockClient, open } from "./testFixtures";


describe("which actions a subscription offers", () => {
  it("follows its state and a pending cancellation", () => {
    expect(subscriptionActions("ACTIVE", null)).toEqual(["cancel", "pause", "skip"]);
    expect(subscriptionActions("ACTIVE", "2026-12-16")).toEqual(["cancelUndo", "pause", "skip"]);
    expect(subscriptionActions("PAUSED", null)).toEqual(["cancel", "resume"]);
    expect(subscriptionActions("CANCELLED", null)).toEqual([]);
    expect(invoiceActions("OPEN")).toEqual(["retry", "markPaid", "void"]);
    expect(invoiceActions("PAID")).toEqual([]);
  });
});

describe("a subscription's page", () => {
  it("shows the summary, invoices, orders, credit, dunning and events, and opens an order in the dashboard", async () => {
    const user = userEvent.setup();
    const { client } = mockClient(() => ({}));
    const { dispatched } = open(client);

    expect(await screen.findByRole("heading", { name: "Subscription #12" })).toBeInTheDocument();
    expect(screen.getByText("Bob Jones · bob@example.com")).toBeInTheDocument();
    expect(screen.getByText("30.00 USD × 2, every month")).toBeInTheDocument();
    expect(screen.getByText("visa ending in 4242")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open the PDF of invoice SUB-0007" })).toHaveAttribute(
      "href",
      "https://app.example.com/documents/7.pdf",
    );
    expect(screen.getByText("5.00 USD")).toBeInTheDocument();
    expect(screen.getByText(/Past due since Nov 16, 2026/)).toBeInTheDocument();
    expect(screen.getByText("active → past_due")).toBeInTheDocument();
    expect(screen.getByText("card_declined")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Open order SUB-0007 in the dashboard" }));
    expect(dispatched.at(-1)).toMatchObject({ type: "redirect", payload: { to: "/orders/T3JkZXI6MQ%3D%3D" } });
  });

  it("cancels after confirming, with the effect and reason, tells the dashboard and reads the subscription again", async () => {
    const user = userEvent.setup();
    const sent: Record<string, unknown>[] = [];
    const { client, executeQuery } = mockClient((name, variables) => {
      sent.push({ name, ...variables });
      return { staffSubscriptionCancel: { subscription: { id: ID, status: "CANCELLED" }, errors: [] } };
    });
    const { dispatched } = open(client);

    await user.click(await screen.findByRole("button", { name: "Cancel subscription" }));
    const dialog = screen.getByRole("dialog", { name: "Cancel subscription" });
    expect(sent).toEqual([]);
    fireEvent.change(within(dialog).getByLabelText("Ends"), { target: { value: "IMMEDIATELY" } });
    await user.type(within(dialog).getByLabelText("Reason (kept on the event)"), "moved abroad");
    const readsBefore = executeQuery.mock.calls.length;
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(sent).toEqual([{ name: "StaffSubscriptionCancel", id: ID, effect: "IMMEDIATELY", reason: "moved abroad" }]);
    expect(dispatched.at(-1)).toMatchObject({ type: "notification", payload: { status: "success", title: "Subscription cancelled" } });
    expect(executeQuery.mock.calls.length).toBeGreaterThan(readsBefore);
  });

  it("shows a refusal as a dashboard notification with the API's message and field, and keeps the dialog open", async () => {
    const user = userEvent.setup();
    const { client } = mockClient(() => ({
      staffInvoiceMarkPaid: {
        errors: [{ field: "paidOn", code: "PAID_DATE_IN_FUTURE", message: "paidOn: the day is in the future" }],
      },
    }));
    const { dispatched } = open(client, "nl");

    await user.click(await screen.findByRole("button", { name: "Als betaald markeren" }));
    const dialog = screen.getByRole("dialog", { name: "Als betaald markeren" });
    await user.type(within(dialog).getByLabelText("Bankreferentie"), "NL-123");
    fireEvent.change(within(dialog).getByLabelText("Betaald op"), { target: { value: "2099-01-01" } });
    await user.click(within(dialog).getByRole("button", { name: "Bevestigen" }));

    await waitFor(() => expect(dispatched.some((a) => a.type === "notification")).toBe(true));
    expect(dispatched.at(-1)).toMatchObject({
      type: "notification",
      payload: {
        status: "error",
        title: "De actie werd geweigerd",
        text: "paidOn: the day is in the future",
        apiMessage: "paidOn: paidOn: the day is in the future",
      },
    });
    expect(within(dialog).getByLabelText("Betaald op")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("dialog")).toBeInTheDocument();
  });

  it("sends the invoice's id for an invoice action", async () => {
    const user = userEvent.setup();
    const sent: Record<string, unknown>[] = [];
    const { client } = mockClient((name, variables) => {
      sent.push({ name, ...variables });
      return { staffInvoiceVoid: { errors: [] } };
    });
    open(client);

    await user.click(await screen.findByRole("button", { name: "Void" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(sent).toEqual([{ name: "StaffInvoiceVoid", id: INVOICE, reason: null }]));
  });

  it("refuses a pause of no whole periods before asking the API, then pauses for the periods given", async () => {
    const user = userEvent.setup();
    const sent: Record<string, unknown>[] = [];
    const active = { subscription: { ...DETAIL.subscription, status: "ACTIVE", dunning: null } };
    const { client } = mockClient((name, variables) => {
      sent.push({ name, ...variables });
      return { staffSubscriptionPause: { subscription: { id: ID, status: "PAUSED" }, errors: [] } };
    }, active);
    open(client);

    await user.click(await screen.findByRole("button", { name: "Pause" }));
    const dialog = screen.getByRole("dialog", { name: "Pause" });
    const periods = within(dialog).getByLabelText("Periods to pause");
    fireEvent.change(periods, { target: { value: "1.5" } });
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    expect(within(dialog).getByText("A whole number of periods, at least 1.")).toBeInTheDocument();
    expect(sent).toEqual([]);

    fireEvent.change(periods, { target: { value: "2" } });
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(sent).toEqual([{ name: "StaffSubscriptionPause", id: ID, periods: 2, reason: null }]));
  });
});
