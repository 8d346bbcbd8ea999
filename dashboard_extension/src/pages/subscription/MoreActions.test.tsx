import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { moreActions } from "./moreActions";
import { DETAIL, ID, INVOICE, mockClient, open } from "./testFixtures";

const ACTIVE = { subscription: { ...DETAIL.subscription, status: "ACTIVE", dunning: null } };
const PAID = {
  subscription: {
    ...ACTIVE.subscription,
    invoiceDetails: [
      { ...DETAIL.subscription.invoiceDetails[0], status: "PAID", creditNotes: [{ amount: "20.00" }] },
    ],
  },
};
const PLANS = {
  plans: [
    { id: "UGxhbjox", name: "Coffee monthly", currency: "USD", terms: { interval: "MONTH", intervalCount: 1, price: "30.00" } },
    { id: "UGxhbjoy", name: "Coffee deluxe", currency: "USD", terms: { interval: "MONTH", intervalCount: 1, price: "50.00" } },
  ],
};
const PREVIEW = {
  amountDueNow: "20.00",
  creditNow: "0.00",
  currency: "USD",
  direction: "UPGRADE",
  effectiveOn: "2026-11-20",
  timing: "NOW",
  nextPeriodTotal: "100.00",
  lines: [{ amount: "20.00", description: "Coffee deluxe, 20 Nov – 16 Dec", kind: "PRORATION" }],
};

describe("which further actions a subscription offers", () => {
  it("follows its state and its plan's versions", () => {
    expect(moreActions("ACTIVE", 1, 1)).toEqual(["switch", "quantity", "freePeriods", "creditGrant", "discountCode", "shippingAddress"]);
    expect(moreActions("PAST_DUE", 1, 2)).toEqual(["switch", "quantity", "priceChange", "creditGrant", "discountCode", "shippingAddress"]);
    expect(moreActions("CANCELLED", 1, 1)).toEqual(["creditGrant", "reactivate"]);
    expect(moreActions("INCOMPLETE", 1, 1)).toEqual([]);
  });
});

describe("a subscription's further actions", () => {
  it("previews a switch with the API's preview: true before switching, and switches with the same terms", async () => {
    const user = userEvent.setup();
    const sent: Record<string, unknown>[] = [];
    const { client } = mockClient(
      (name, variables) => {
        sent.push({ name, ...variables });
        return { staffSubscriptionSwitch: { preview: variables.preview ? PREVIEW : null, errors: [] } };
      },
      (name) => (name === "SwitchPlans" ? PLANS : ACTIVE),
    );
    const { dispatched } = open(client);

    await user.click(await screen.findByRole("button", { name: "Switch plan" }));
    const dialog = screen.getByRole("dialog", { name: "Switch plan" });
    expect(within(dialog).getByLabelText("New plan")).toHaveValue("UGxhbjoy");
    await user.click(within(dialog).getByRole("button", { name: "Preview the switch" }));

    const preview = await within(dialog).findByText("Charged now 20.00 USD, credited now 0.00 USD (before tax)");
    expect(preview).toBeInTheDocument();
    expect(within(dialog).getByText("Coffee deluxe, 20 Nov – 16 Dec: 20.00 USD")).toBeInTheDocument();
    expect(within(dialog).getByText("First full period on the new plan: 100.00 USD")).toBeInTheDocument();
    expect(sent).toEqual([
      { name: "StaffSubscriptionSwitch", id: ID, planId: "UGxhbjoy", timing: null, discountCode: null, reason: null, preview: true },
    ]);

    await user.click(within(dialog).getByRole("button", { name: "Confirm the switch" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(sent.at(-1)).toEqual({
      name: "StaffSubscriptionSwitch",
      id: ID,
      planId: "UGxhbjoy",
      timing: null,
      discountCode: null,
      reason: null,
      preview: false,
    });
    expect(dispatched.at(-1)).toMatchObject({ type: "notification", payload: { status: "success", title: "Plan switched" } });
  });

  it("asks for a new preview when a term changes, and shows the preview's refusal on its field", async () => {
    const user = userEvent.setup();
    const { client } = mockClient(
      (_name, variables) => ({
        staffSubscriptionSwitch: {
          preview: null,
          errors: variables.discountCode
            ? [{ field: "discountCode", code: "DISCOUNT_CODE_UNKNOWN", message: "no such code" }]
            : [],
        },
      }),
      (name) => (name === "SwitchPlans" ? PLANS : ACTIVE),
    );
    const { dispatched } = open(client, "nl");

    await user.click(await screen.findByRole("button", { name: "Ander abonnement kiezen" }));
    const dialog = screen.getByRole("dialog");
    await user.type(within(dialog).getByLabelText("Kortingscode"), "NOPE");
    await user.click(within(dialog).getByRole("button", { name: "Voorbeeld van de overstap" }));

    await waitFor(() => expect(within(dialog).getByLabelText("Kortingscode")).toHaveAttribute("aria-invalid", "true"));
    expect(dispatched.at(-1)).toMatchObject({
      type: "notification",
      payload: { status: "error", title: "De actie werd geweigerd", apiMessage: "discountCode: no such code" },
    });
    expect(within(dialog).getByRole("button", { name: "Voorbeeld van de overstap" })).toBeInTheDocument();
  });

  it("refunds part of a paid invoice as money back, previewing what is left, once", async () => {
    const user = userEvent.setup();
    const sent: Record<string, unknown>[] = [];
    const { client } = mockClient((name, variables) => {
      sent.push({ name, ...variables });
      return { staffInvoiceRefund: { refundedAmount: "15.00", errors: [] } };
    }, PAID);
    const { dispatched } = open(client);

    await user.click(await screen.findByRole("button", { name: "Refund" }));
    const dialog = screen.getByRole("dialog", { name: "Refund" });
    expect(within(dialog).getByText("Invoice SUB-0007: 60.00 USD, of which 40.00 USD can still be given back.")).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText("Amount (USD)"), "50");
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    expect(within(dialog).getByText("An amount above 0 and at most 40.00 USD.")).toBeInTheDocument();
    expect(sent).toEqual([]);

    await user.clear(within(dialog).getByLabelText("Amount (USD)"));
    await user.type(within(dialog).getByLabelText("Amount (USD)"), "15");
    expect(within(dialog).getByText(/15.00 USD paid back on the card/)).toBeInTheDocument();
    expect(within(dialog).getByText("Left to give back afterwards: 25.00 USD")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(sent).toEqual([
      { name: "SubscriptionInvoiceRefund", id: INVOICE, amount: "15", as: "MONEY_BACK", idempotencyKey: expect.stringMatching(/^dashboard-/), reason: null },
    ]);
    expect(dispatched.at(-1)).toMatchObject({ type: "notification", payload: { status: "success", title: "Invoice refunded" } });
  });

  it("refunds as a credit note, and grants credit with the balance before and after", async () => {
    const user = userEvent.setup();
    const sent: Record<string, unknown>[] = [];
    const { client } = mockClient((name, variables) => {
      sent.push({ name, ...variables });
      return { staffInvoiceRefund: { errors: [] }, staffSubscriptionCreditGrant: { errors: [] } };
    }, PAID);
    open(client);

    await user.click(await screen.findByRole("button", { name: "Refund" }));
    let dialog = screen.getByRole("dialog", { name: "Refund" });
    fireEvent.change(within(dialog).getByLabelText("How"), { target: { value: "CREDIT_NOTE" } });
    expect(within(dialog).getByText("40.00 USD as a credit note on the customer's balance; no money moves")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(sent.at(-1)).toMatchObject({ name: "SubscriptionInvoiceRefund", amount: null, as: "CREDIT_NOTE" }));

    await user.click(await screen.findByRole("button", { name: "Grant credit" }));
    dialog = screen.getByRole("dialog", { name: "Grant credit" });
    await user.type(within(dialog).getByLabelText("Amount (USD)"), "7.5");
    expect(within(dialog).getByText("Credit balance 5.00 USD → 12.50 USD")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(sent.at(-1)).toEqual({ name: "StaffSubscriptionCreditGrant", id: ID, amount: "7.5", reason: null }));
  });

  it("shows a shipping address's refusal on its field", async () => {
    const user = userEvent.setup();
    const { client } = mockClient(
      () => ({
        staffSubscriptionShippingAddressUpdate: {
          errors: [{ field: "address.country", code: "INVALID_ADDRESS", message: "XX is no country Saleor knows" }],
        },
      }),
      ACTIVE,
    );
    open(client);

    await user.click(await screen.findByRole("button", { name: "Change shipping address" }));
    const dialog = screen.getByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    expect(within(dialog).getByLabelText("City")).toHaveAttribute("aria-invalid", "true");
    await user.type(within(dialog).getByLabelText("Street address"), "Main 1");
    await user.type(within(dialog).getByLabelText("City"), "Utrecht");
    await user.type(within(dialog).getByLabelText("Country"), "xx");
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Country")).toHaveAttribute("aria-invalid", "true"));
    expect(within(dialog).getByText("XX is no country Saleor knows")).toBeInTheDocument();
  });
});
