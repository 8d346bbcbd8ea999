import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { DETAIL, ID, mockClient, open } from "./testFixtures";

const ACTIVE = { subscription: { ...DETAIL.subscription, status: "ACTIVE", dunning: null } };

function sending() {
  const sent: Record<string, unknown>[] = [];
  const answer = (name: string, variables: Record<string, unknown>) => {
    sent.push({ name, ...variables });
    const field = name.replace(/^Staff/, "staff");
    return { [field]: { errors: [] } };
  };
  return { sent, answer };
}

describe("the further actions send what the owner confirmed", () => {
  it("previews a quantity increase pro rata and sends the new quantity", async () => {
    const user = userEvent.setup();
    const { sent, answer } = sending();
    const { client } = mockClient(answer, ACTIVE);
    open(client);

    await user.click(await screen.findByRole("button", { name: "Change quantity" }));
    const dialog = screen.getByRole("dialog", { name: "Change quantity" });
    fireEvent.change(within(dialog).getByLabelText("Quantity"), { target: { value: "0" } });
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    expect(within(dialog).getByText("A whole number, at least 1.")).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText("Quantity"), { target: { value: "3" } });
    expect(within(dialog).getByText("Each period from now on: 90.00 USD")).toBeInTheDocument();
    expect(within(dialog).getByText(/Charged now for the rest of this period: about/)).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText("Quantity"), { target: { value: "1" } });
    expect(within(dialog).getByText("Nothing is charged now: the lower quantity applies from the next period")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(sent).toEqual([{ name: "StaffSubscriptionQuantityChange", id: ID, quantity: 1, reason: null }]));
  });

  it("gives free periods with what is not charged, and adds a discount code", async () => {
    const user = userEvent.setup();
    const { sent, answer } = sending();
    const { client } = mockClient(answer, ACTIVE);
    open(client, "nl");

    await user.click(await screen.findByRole("button", { name: "Gratis periodes geven" }));
    let dialog = screen.getByRole("dialog");
    fireEvent.change(within(dialog).getByLabelText("Periodes"), { target: { value: "2" } });
    expect(within(dialog).getByText("2 periodes niet gefactureerd: 120.00 USD niet in rekening (zonder btw)")).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: "Bevestigen" }));
    await waitFor(() => expect(sent.at(-1)).toEqual({ name: "StaffSubscriptionFreePeriodsGrant", id: ID, periods: 2, reason: null }));

    await user.click(await screen.findByRole("button", { name: "Kortingscode toevoegen" }));
    dialog = screen.getByRole("dialog");
    await user.type(within(dialog).getByLabelText("Kortingscode"), "SUMMER");
    await user.click(within(dialog).getByRole("button", { name: "Bevestigen" }));
    await waitFor(() =>
      expect(sent.at(-1)).toEqual({ name: "StaffSubscriptionDiscountCodeAdd", id: ID, discountCode: "SUMMER", reason: null }),
    );
  });

  it("offers the newer version of the plan and reactivates a cancelled subscription", async () => {
    const user = userEvent.setup();
    const { sent, answer } = sending();
    const newer = {
      subscription: {
        ...ACTIVE.subscription,
        plan: { ...DETAIL.subscription.plan, terms: { ...DETAIL.subscription.plan.terms, version: 2, price: "35.00" } },
      },
    };
    const { client } = mockClient(answer, newer);
    const view = open(client);

    await user.click(await screen.findByRole("button", { name: "Move to the new price" }));
    const dialog = screen.getByRole("dialog");
    expect(within(dialog).getByText("Each period on the new version: 70.00 USD (now 60.00 USD)")).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText("From (optional)"), { target: { value: "2027-01-16" } });
    await user.click(within(dialog).getByRole("button", { name: "Confirm" }));
    await waitFor(() =>
      expect(sent.at(-1)).toEqual({ name: "StaffSubscriptionPriceChange", id: ID, version: 2, effectiveOn: "2027-01-16", reason: null }),
    );
    view.unmount();

    const cancelled = { subscription: { ...ACTIVE.subscription, status: "CANCELLED" } };
    const again = mockClient(answer, cancelled);
    open(again.client);
    expect(screen.queryByRole("button", { name: "Switch plan" })).not.toBeInTheDocument();
    await user.click(await screen.findByRole("button", { name: "Reactivate" }));
    expect(within(screen.getByRole("dialog")).getByText("Charged now for the new period: 60.00 USD (before tax)")).toBeInTheDocument();
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Confirm" }));
    await waitFor(() => expect(sent.at(-1)).toEqual({ name: "StaffSubscriptionReactivate", id: ID, reason: null }));
  });
});
