import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router-dom";
import { CombinedError, type Client } from "urql";
import { describe, expect, it, vi } from "vitest";
import { concat, fromValue, never } from "wonka";

import { renderPage } from "../../test/render";
// The sections load lazily in the page; loaded here first, so a test does not wait for their first transform.
import "./ApiKeysSection";
import "./DiscountCodesSection";
import "./WebhookEndpointsSection";
import "./IntegritySection";
import { createInput, discountFormOf, EMPTY_DISCOUNT, fromLocalInput, toLocalInput, updateInput } from "./discountForm";
import { policyInput } from "./DunningSection";
import { generalChanges } from "./GeneralSection";
import { SettingsPage } from "./SettingsPage";

const SETTINGS = {
  shopName: "",
  emailSender: "",
  timeZone: "UTC",
  language: "EN" as const,
  dueHour: 9,
  invoicePrefix: "INV-",
  sandbox: true,
  dunningPolicy: {
    onFirstFailure: "REMIND" as const,
    retryDays: [1, 3, 5],
    suspendDay: 7,
    terminationWarningDay: 14,
    cancelDay: 21,
    reactivationWindowDays: 30,
  },
  selfService: { cancel: "PLAN" as const, pause: true, switch: true, quantity: true, address: false, contacts: false },
};

type Operation = { query: { definitions: { name?: { value: string } }[] }; variables: Record<string, unknown> };
type Answer = { data?: object; error?: CombinedError };

function nameOf(operation: Operation): string {
  return operation.query.definitions.find((d) => d.name)?.name?.value ?? "";
}

/** A urql client whose queries and mutations answer by operation name. */
function mockClient(queries: Record<string, Answer>, mutations: Record<string, (variables: Record<string, unknown>) => object> = {}) {
  const executeQuery = vi.fn((operation: Operation) =>
    // The answer, then the source stays open as urql's own does (a source that ends resets a query's error).
    concat([fromValue({ ...(queries[nameOf(operation)] ?? { data: {} }), operation, stale: false, hasNext: false }), never]),
  );
  const executeMutation = vi.fn((operation: Operation) =>
    fromValue({ data: mutations[nameOf(operation)]?.(operation.variables) ?? {}, operation, stale: false, hasNext: false }),
  );
  const client = { executeQuery, executeMutation } as unknown as Client;
  return { client, executeQuery, executeMutation };
}

function open(client: Client, section: string, locale: "en" | "nl" = "en") {
  return renderPage(<Route path="/" element={<SettingsPage />} />, { client, url: `/?section=${section}`, locale });
}

function denied(permission: string) {
  return new CombinedError({
    graphQLErrors: [
      { message: `the token lacks the permissions ${permission}`, extensions: { code: "PERMISSION_DENIED", permissions: [permission] } },
    ],
  });
}

describe("what the forms send", () => {
  it("sends only the general settings that changed; a due hour that is no number goes as -1", () => {
    const form = { ...SETTINGS, dueHour: "9", shopName: "Coffee Club", timeZone: "Europe/Amsterdam" };
    expect(generalChanges(SETTINGS, form)).toEqual({ shopName: "Coffee Club", timeZone: "Europe/Amsterdam" });
    expect(generalChanges(SETTINGS, { ...form, dueHour: "nine", shopName: "" })).toEqual({ timeZone: "Europe/Amsterdam", dueHour: -1 });
  });

  it("reads the dunning policy's retry days and days", () => {
    const form = { onFirstFailure: "SUSPEND" as const, retryDays: "2, 4 ,6", suspendDay: "8", terminationWarningDay: "15", cancelDay: "22", reactivationWindowDays: "0" };
    expect(policyInput(form)).toEqual({
      onFirstFailure: "SUSPEND",
      retryDays: [2, 4, 6],
      suspendDay: 8,
      terminationWarningDay: 15,
      cancelDay: 22,
      reactivationWindowDays: 0,
    });
    expect(policyInput({ ...form, retryDays: "2, x", cancelDay: "" })).toMatchObject({ retryDays: [-1], cancelDay: -1 });
  });

  it("makes a discount code's create input from what was filled in", () => {
    const form = { ...EMPTY_DISCOUNT, code: " winter10 ", percent: "10", duration: "REPEATING" as const, durationPeriods: "3", maxRedemptions: "100", plans: "UGxhbjox, UGxhbjoy" };
    expect(createInput(form)).toEqual({
      code: "winter10",
      kind: "PERCENTAGE",
      percent: "10",
      duration: "REPEATING",
      durationPeriods: 3,
      appliesTo: "PRICE",
      maxRedemptions: 100,
      plans: ["UGxhbjox", "UGxhbjoy"],
    });
    const fixed = { ...EMPTY_DISCOUNT, code: "FIVE", kind: "FIXED" as const, amountOff: "5.00", currency: "eur", percent: "12" };
    expect(createInput(fixed)).toEqual({ code: "FIVE", kind: "FIXED", amountOff: "5.00", currency: "EUR", duration: "ONCE", appliesTo: "PRICE" });
  });

  it("sends a discount code's changes only, and emptied limits, dates and plans as clear", () => {
    const saved = discountFormOf({
      id: "RGlzY291bnRDb2RlOjE=",
      code: "WINTER10",
      active: true,
      kind: "percentage",
      percent: "10",
      amountOff: null,
      currency: "",
      duration: "once",
      durationPeriods: null,
      appliesTo: "price",
      plans: ["UGxhbjox"],
      maxRedemptions: 100,
      maxPerCustomer: 1,
      validFrom: null,
      validUntil: "2027-01-01T00:00:00+00:00",
      redemptionCount: 2,
      createdAt: "2026-11-16T10:00:00+00:00",
    });
    expect(saved).toMatchObject({ kind: "PERCENTAGE", duration: "ONCE", appliesTo: "PRICE", maxRedemptions: "100" });
    const input = updateInput(saved, { ...saved, maxRedemptions: "", plans: "", validUntil: "", maxPerCustomer: "2" });
    expect(input).toEqual({ maxPerCustomer: 2, clear: ["PLANS", "MAX_REDEMPTIONS", "VALID_UNTIL"] });
    expect(updateInput(saved, saved)).toEqual({});
  });

  it("turns a datetime-local value into an instant and back", () => {
    const iso = fromLocalInput("2026-12-01T09:30");
    expect(iso).not.toBeNull();
    expect(toLocalInput(iso)).toBe("2026-12-01T09:30");
    expect(fromLocalInput("")).toBeNull();
  });
});

// Rendering the page (a select of every time zone, lazy sections) is slow on a loaded machine.
describe("the settings page", { timeout: 15_000 }, () => {
  it("shows the menu in Dutch and opens the section named in the URL", async () => {
    const { client } = mockClient({ InstallationSettings: { data: { installationSettings: SETTINGS } } });
    open(client, "dunning", "nl");
    const menu = screen.getByRole("navigation", { name: "Onderdelen van de instellingen" });
    expect(within(menu).getByRole("link", { name: "Aanmaningen" })).toHaveAttribute("aria-current", "page");
    expect(await screen.findByText(/nieuwe pogingen op dag 1, 3, 5/)).toBeInTheDocument();
  });

  it("tells a token without MANAGE_APPS which permission it needs, with the API's message as a notification", async () => {
    const { client } = mockClient({ ApiKeys: { error: denied("MANAGE_APPS") } });
    const { dispatched } = open(client, "apiKeys");
    const forbidden = await screen.findByRole("alert", {}, { timeout: 3000 });
    expect(forbidden).toHaveTextContent("It needs the Saleor permission MANAGE_APPS.");
    await waitFor(() => expect(dispatched.some((a) => a.type === "notification")).toBe(true));
    const note = dispatched.find((a) => a.type === "notification");
    expect(note?.payload).toMatchObject({ status: "error", apiMessage: "the token lacks the permissions MANAGE_APPS" });
  });

  it("shows an API field error on its field and as a notification naming the field", async () => {
    const user = userEvent.setup();
    const { client, executeMutation } = mockClient(
      { InstallationSettings: { data: { installationSettings: SETTINGS } } },
      {
        InstallationSettingsUpdate: () => ({
          installationSettingsUpdate: {
            installationSettings: null,
            errors: [{ field: "invoicePrefix", code: "INVALID", message: "letters, digits and . _ / - only" }],
          },
        }),
      },
    );
    const { dispatched } = open(client, "general");
    const prefix = await screen.findByRole("textbox", { name: "Invoice number prefix" });
    await user.clear(prefix);
    await user.paste("bad prefix!");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(prefix).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByText("letters, digits and . _ / - only")).toBeInTheDocument();
    expect(executeMutation.mock.calls[0]?.[0].variables).toEqual({ invoicePrefix: "bad prefix!" });
    const note = dispatched.find((a) => a.type === "notification");
    expect(note?.payload).toMatchObject({ status: "error", apiMessage: "invoicePrefix: letters, digits and . _ / - only" });
  });

  it("shows a new API key's secret once, with a copy button", async () => {
    const user = userEvent.setup();
    const { client, executeMutation } = mockClient(
      { ApiKeys: { data: { apiKeys: [] } } },
      { ApiKeyCreate: () => ({ apiKeyCreate: { secret: "sk_secret123", apiKey: { id: "QXBpS2V5OjE=", name: "ERP" }, errors: [] } }) },
    );
    open(client, "apiKeys");
    expect(await screen.findByText("No API keys yet.")).toBeInTheDocument();
    await user.type(screen.getByRole("textbox", { name: "Name" }), "ERP");
    await user.click(screen.getByRole("checkbox", { name: /^Usage/ }));
    await user.click(screen.getByRole("button", { name: "Create key" }));
    expect(await screen.findByText("sk_secret123")).toBeInTheDocument();
    expect(executeMutation.mock.calls[0]?.[0].variables).toEqual({ name: "ERP", scopes: ["READ", "USAGE"] });
    expect(screen.getByRole("button", { name: "Copy" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "I have copied it" }));
    expect(screen.queryByText("sk_secret123")).not.toBeInTheDocument();
  });

  it("runs the integrity check on request and links a finding to its subscription", async () => {
    const user = userEvent.setup();
    const { client, executeQuery } = mockClient({
      BillingIntegrity: {
        data: {
          billingIntegrity: {
            truncated: false,
            errors: [],
            findings: [
              {
                rule: "NUMBER_GAP",
                expected: "number 3",
                found: "next number is 9",
                subscriptionId: "U3Vic2NyaXB0aW9uOjE=",
                invoiceId: "SW52b2ljZTo5",
                invoiceNumber: "INV-000009",
              },
            ],
          },
        },
      },
    });
    open(client, "integrity");
    const run = await screen.findByRole("button", { name: "Run the check" });
    expect(executeQuery).not.toHaveBeenCalled();
    await user.click(run);
    expect(await screen.findByText("A gap in invoice numbers")).toBeInTheDocument();
    expect(screen.getByText("next number is 9")).toBeInTheDocument();
    await user.click(screen.getByRole("link", { name: "Open the subscription" }));
    expect(screen.getByTestId("where")).toHaveTextContent("/subscriptions/U3Vic2NyaXB0aW9uOjE%3D");
  });

  it("adds a webhook endpoint for the events ticked and shows its signing secret once", async () => {
    const user = userEvent.setup();
    const { client, executeMutation } = mockClient(
      { WebhookEndpoints: { data: { webhookEndpoints: [] } } },
      {
        WebhookEndpointCreate: () => ({
          webhookEndpointCreate: { secret: "whsec_abc", webhookEndpoint: { id: "V2ViaG9vazox" }, errors: [] },
        }),
      },
    );
    const { dispatched } = open(client, "webhooks");
    await user.click(await screen.findByRole("button", { name: "New endpoint" }, { timeout: 3000 }));
    await user.type(screen.getByRole("textbox", { name: "URL" }), "https://erp.example.com/hooks");
    await user.click(screen.getByRole("checkbox", { name: "INVOICE_PAID" }));
    await user.click(screen.getByRole("button", { name: "Add endpoint" }));
    expect(await screen.findByText("whsec_abc")).toBeInTheDocument();
    expect(executeMutation.mock.calls[0]?.[0].variables).toEqual({
      url: "https://erp.example.com/hooks",
      description: "",
      eventTypes: ["INVOICE_PAID"],
      isActive: true,
    });
    expect(dispatched.find((a) => a.type === "notification")?.payload).toMatchObject({ status: "success" });
  });

  it("deactivates a discount code after a confirmation, with the reason", async () => {
    const user = userEvent.setup();
    const code = {
      id: "RGlzY291bnRDb2RlOjE=",
      code: "WINTER10",
      active: true,
      kind: "percentage",
      percent: "10",
      amountOff: null,
      currency: "",
      duration: "repeating",
      durationPeriods: 3,
      appliesTo: "price",
      plans: [],
      maxRedemptions: 100,
      maxPerCustomer: null,
      validFrom: null,
      validUntil: null,
      redemptionCount: 4,
      createdAt: "2026-11-16T10:00:00+00:00",
    };
    const { client, executeMutation } = mockClient(
      {
        DiscountCodes: {
          data: { discountCodes: { totalCount: 1, pageInfo: { hasNextPage: false, endCursor: null }, edges: [{ node: code }] } },
        },
      },
      { DiscountCodeDeactivate: () => ({ staffDiscountCodeDeactivate: { discountCode: { ...code, active: false }, errors: [] } }) },
    );
    open(client, "discounts");
    const row = await screen.findByText("WINTER10", {}, { timeout: 3000 });
    const tableRow = row.closest("tr") as HTMLElement;
    expect(within(tableRow).getByText("4 / 100")).toBeInTheDocument();
    expect(within(tableRow).getByText("3 invoices")).toBeInTheDocument();
    await user.click(within(tableRow).getByRole("button", { name: "Deactivate" }));
    const dialog = screen.getByRole("dialog", { name: "Deactivate WINTER10?" });
    await user.type(within(dialog).getByRole("textbox", { name: "Reason (kept on the event)" }), "season over");
    await user.click(within(dialog).getByRole("button", { name: "Deactivate" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(executeMutation.mock.calls[0]?.[0].variables).toEqual({ id: code.id, reason: "season over" });
  });
  it("compares a second save against what the first saved: only the new change is sent, the sandbox note follows", async () => {
    const user = userEvent.setup();
    let saved: Record<string, unknown> = SETTINGS;
    const { client, executeMutation } = mockClient(
      { InstallationSettings: { data: { installationSettings: SETTINGS } } },
      {
        InstallationSettingsUpdate: (variables) => {
          saved = { ...saved, ...variables };
          return { installationSettingsUpdate: { installationSettings: saved, errors: [] } };
        },
      },
    );
    open(client, "general");
    const name = await screen.findByRole("textbox", { name: "Shop name" });
    expect(screen.getByText(/This shop is a sandbox/)).toBeInTheDocument();
    await user.type(name, "Coffee Club");
    await user.click(screen.getByRole("checkbox", { name: "Sandbox" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.queryByText(/This shop is a sandbox/)).not.toBeInTheDocument());
    expect(executeMutation.mock.calls[0]?.[0].variables).toEqual({ shopName: "Coffee Club", sandbox: false });

    const dueHour = screen.getByRole("spinbutton", { name: "Due hour" });
    await user.clear(dueHour);
    await user.type(dueHour, "10");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(executeMutation).toHaveBeenCalledTimes(2));
    expect(executeMutation.mock.calls[1]?.[0].variables).toEqual({ dueHour: 10 });
    expect(screen.getByRole("textbox", { name: "Shop name" })).toHaveValue("Coffee Club");
  });

  it("picks a discount code's plans by name from every plan, archived ones marked", async () => {
    const user = userEvent.setup();
    const plans = [
      { id: "UGxhbjox", name: "Coffee monthly", currency: "EUR", channel: "eu", archivedAt: null },
      { id: "UGxhbjoy", name: "Coffee yearly", currency: "USD", channel: "us", archivedAt: "2026-11-01T00:00:00+00:00" },
      { id: "UGxhbjoz", name: "Tea monthly", currency: "EUR", channel: "eu", archivedAt: null },
    ];
    const { client, executeMutation } = mockClient(
      {
        DiscountCodes: { data: { discountCodes: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } } },
        DiscountPlanChoices: { data: { planChoices: plans } },
      },
      { DiscountCodeCreate: () => ({ staffDiscountCodeCreate: { discountCode: null, errors: [] } }) },
    );
    open(client, "discounts");
    await user.click(await screen.findByRole("button", { name: "New discount code" }, { timeout: 3000 }));
    const picker = await screen.findByRole("group", { name: "Plans" });
    expect(within(picker).getByRole("checkbox", { name: "Coffee yearly · USD · us (archived)" })).not.toBeChecked();
    await user.type(screen.getByRole("textbox", { name: "Code" }), "WINTER10");
    await user.type(screen.getByRole("textbox", { name: "Percentage off" }), "10");
    await user.click(within(picker).getByRole("checkbox", { name: "Tea monthly · EUR · eu" }));
    await user.click(within(picker).getByRole("checkbox", { name: "Coffee yearly · USD · us (archived)" }));
    await user.click(screen.getByRole("button", { name: "Create code" }));
    await waitFor(() => expect(executeMutation).toHaveBeenCalled());
    expect(executeMutation.mock.calls[0]?.[0].variables).toMatchObject({
      input: { code: "WINTER10", percent: "10", plans: ["UGxhbjoz", "UGxhbjoy"] },
    });
  });
});
