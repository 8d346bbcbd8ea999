import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Link, Route, useLocation } from "react-router-dom";
import type { Client } from "urql";
import { describe, expect, it, vi } from "vitest";
import { fromValue } from "wonka";

import { renderPage } from "../../test/render";
import { CustomerPage } from "./CustomerPage";
import { OrderPage } from "./OrderPage";

type Operation = { query: { definitions: { name?: { value: string } }[] }; variables: Record<string, unknown> };

function client(answers: Record<string, object>) {
  const asked: { name: string; variables: Record<string, unknown> }[] = [];
  const executeQuery = vi.fn((operation: Operation) => {
    const name = operation.query.definitions[0]?.name?.value ?? "";
    asked.push({ name, variables: operation.variables });
    return fromValue({ data: answers[name] ?? {}, stale: false, hasNext: false });
  });
  return { client: { executeQuery } as unknown as Client, asked };
}

/** Stands in for the subscription's page: its back link follows the state the popup's link gave. */
function BackLink() {
  const location = useLocation();
  const back = (location.state as { back?: string } | null)?.back ?? "/subscriptions";
  return <Link to={back}>back to the order</Link>;
}

const SUBSCRIPTION = {
  id: "U3Vic2NyaXB0aW9uOjEy",
  number: 12,
  status: "ACTIVE",
  customerEmail: "bob@example.com",
  amount: "30.00",
  currency: "USD",
  plan: { name: "Coffee monthly" },
  nextBillingAt: "2026-12-16T09:00:00+00:00",
};

describe("the order and customer popups", () => {
  it("lists the subscriptions the order renewed, on the installation's clock, and opens one's page", async () => {
    const user = userEvent.setup();
    const { client: orderClient, asked } = client({
      OrderSubscriptions: {
        subscriptions: {
          edges: [
            { node: { ...SUBSCRIPTION, saleorOrders: [{ id: "T3JkZXI6Mg==", invoiceNumber: "SUB-0002", billingReason: "renewal" }] } },
          ],
        },
      },
      InstallationTimeZone: { installationSettings: { timeZone: "Europe/Amsterdam" } },
    });
    renderPage(
      <>
        <Route path="/order" element={<OrderPage />} />
        <Route path="/subscriptions/:id" element={<BackLink />} />
      </>,
      { client: orderClient, url: "/order?orderId=T3JkZXI6Mg%3D%3D&theme=light" },
    );
    expect(await screen.findByText("renewed it")).toBeInTheDocument();
    expect(screen.getByText("Dec 16, 2026, 10:00 AM")).toBeInTheDocument();
    expect(asked.find((a) => a.name === "OrderSubscriptions")?.variables).toEqual({ order: "T3JkZXI6Mg==" });
    await user.click(screen.getByRole("link", { name: "Open subscription #12" }));
    expect(screen.getByTestId("where")).toHaveTextContent("/subscriptions/U3Vic2NyaXB0aW9uOjEy");
    await user.click(screen.getByRole("link", { name: "back to the order" }));
    expect(screen.getByTestId("where")).toHaveTextContent("/order?orderId=T3JkZXI6Mg%3D%3D&theme=light");
  });

  it("shows a customer's subscriptions, credit and invoices in Dutch", async () => {
    const { client: urql, asked } = client({
      CustomerBillingPopup: {
        customerBilling: {
          customer: "VXNlcjox",
          creditBalance: [{ amount: "5.00", currency: "USD" }],
          subscriptions: [SUBSCRIPTION],
          invoices: [
            {
              id: "SW52b2ljZTo3",
              number: "SUB-0007",
              status: "PAID",
              total: "30.00",
              currency: "USD",
              dueAt: "2026-11-16T09:00:00+00:00",
              documentUrl: "https://app.example.com/documents/7.pdf",
              subscriptionId: SUBSCRIPTION.id,
            },
          ],
        },
      },
    });
    renderPage(<Route path="/customer" element={<CustomerPage />} />, { client: urql, url: "/customer?customerId=VXNlcjox", locale: "nl" });
    expect(await screen.findByRole("link", { name: "Abonnement #12 openen" })).toBeInTheDocument();
    expect(screen.getByText("5.00 USD")).toBeInTheDocument();
    expect(screen.getByText("SUB-0007")).toBeInTheDocument();
    expect(asked.find((a) => a.name === "CustomerBillingPopup")?.variables).toEqual({ customer: "VXNlcjox" });
  });
});
