import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ThemeProvider } from "@saleor/macaw-ui";
import type { ReactNode } from "react";
import { IntlProvider } from "react-intl";
import { Provider, type Client } from "urql";
import { describe, expect, it, vi } from "vitest";
import { fromValue } from "wonka";

import { MESSAGES, type Locale } from "../../i18n/messages";
import { NEW_PLAN } from "./formState";
import { PlanForm } from "./PlanForm";

const SEED_004 = {
  schedulePreview: {
    currency: "EUR",
    timeZone: "Europe/Amsterdam",
    errors: [],
    charges: [
      {
        dueDate: "2026-11-16",
        periodStart: "2026-11-16",
        periodEnd: "2026-12-01",
        amount: "15.00",
        lines: [{ kind: "proration", description: "Monthly plan, 16 Nov 2026 – 1 Dec 2026 (15 of 30 days)", amount: "15.00" }],
      },
      {
        dueDate: "2026-12-01",
        periodStart: "2026-12-01",
        periodEnd: "2027-01-01",
        amount: "30.00",
        lines: [{ kind: "plan", description: "Monthly plan, 1 Dec 2026 – 1 Jan 2027", amount: "30.00" }],
      },
    ],
  },
};

function renderForm(locale: Locale, errors: Record<string, string> = {}, data: object = SEED_004) {
  const executeQuery = vi.fn(() => fromValue({ data, stale: false, hasNext: false }));
  const client = { executeQuery } as unknown as Client;
  const wrap = (children: ReactNode) => (
    <ThemeProvider>
      <IntlProvider locale={locale} messages={MESSAGES[locale]}>
        <Provider value={client}>{children}</Provider>
      </IntlProvider>
    </ThemeProvider>
  );
  render(
    wrap(
      <PlanForm
        title="New plan"
        initial={{ ...NEW_PLAN, price: "30.00", anchorMode: "DAY_OF_MONTH", anchorDay: "1" }}
        currency="EUR"
        channelPrice="30.00"
        planId={null}
        errors={errors}
        saving={false}
        onSubmit={() => undefined}
        onCancel={() => undefined}
      />,
    ),
  );
  return executeQuery;
}

describe("the plan form", () => {
  it("previews the first charges in words: seed 004's 15 of 30 days, then the full month", async () => {
    renderForm("en");
    expect(
      await screen.findByText("15.00 on 16 Nov for 16 Nov – 1 Dec (15 of 30 days), then 30.00 on 1 Dec"),
    ).toBeInTheDocument();
    expect(screen.getByText("Dates in Europe/Amsterdam.")).toBeInTheDocument();
  });

  it("in Dutch too", async () => {
    renderForm("nl");
    expect(
      await screen.findByText("15.00 op 16 nov voor 16 nov – 1 dec (15 van 30 dagen), daarna 30.00 op 1 dec"),
    ).toBeInTheDocument();
  });

  it("asks for a new preview only once typing pauses", async () => {
    const user = userEvent.setup();
    const executeQuery = renderForm("en");
    await waitFor(() => expect(executeQuery).toHaveBeenCalled());
    const calls = executeQuery.mock.calls.length;
    await user.type(screen.getByLabelText("Setup fee"), "125");
    await waitFor(() => expect(executeQuery.mock.calls.length).toBe(calls + 1), { timeout: 2000 });
  });

  it("shows the API's field errors on their fields", () => {
    renderForm("en", { setupFee: "EUR has 2 decimals, got 5.001", anchorDay: "must be 1-28" });
    expect(screen.getByText("EUR has 2 decimals, got 5.001")).toBeInTheDocument();
    expect(screen.getByText("must be 1-28")).toBeInTheDocument();
  });

  it("shows the preview's refusals on their fields as the owner types", async () => {
    const refused = { schedulePreview: { currency: "EUR", timeZone: null, charges: [], errors: [{ field: "invoiceLeadDays", code: "INVALID", message: "an invoice is made at most 27 days ahead" }] } };
    renderForm("en", {}, refused);
    expect(await screen.findAllByText("an invoice is made at most 27 days ahead")).not.toHaveLength(0);
  });
});
