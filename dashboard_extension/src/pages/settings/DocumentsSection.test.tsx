import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router-dom";
import type { Client } from "urql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { concat, fromValue, never } from "wonka";

import { renderPage } from "../../test/render";
import { contrast, DocumentsSection, documentChanges, hexColour, textOn } from "./DocumentsSection";
import { LOGO_MAX_BYTES, logoFileProblem } from "./DocumentsSectionLogo";

const SAVED = {
  seller: {
    name: "Coffee Club B.V.",
    address: "Keizersgracht 1\n1015 CJ Amsterdam",
    vatNumber: "",
    registrationNumber: "",
    missing: ["vatNumber", "registrationNumber"],
  },
  accentColour: "",
  logoUrl: null,
};

type Operation = { query: { definitions: { name?: { value: string } }[] }; variables: Record<string, unknown> };

function mockClient(update: (variables: Record<string, unknown>) => object, saved: object = SAVED) {
  const executeQuery = vi.fn((operation: Operation) =>
    concat([fromValue({ data: { installationSettings: saved }, operation, stale: false, hasNext: false }), never]),
  );
  const executeMutation = vi.fn((operation: Operation) =>
    fromValue({ data: { installationSettingsUpdate: update(operation.variables) }, operation, stale: false, hasNext: false }),
  );
  return { client: { executeQuery, executeMutation } as unknown as Client, executeMutation };
}

function open(client: Client, locale: "en" | "nl" = "en") {
  return renderPage(<Route path="/" element={<DocumentsSection />} />, { client, url: "/", locale });
}

const form = (changes: Partial<Record<string, string>> = {}) => ({
  name: SAVED.seller.name,
  address: SAVED.seller.address,
  vatNumber: "",
  registrationNumber: "",
  accentColour: "",
  ...changes,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("what the Documents form sends", () => {
  it("sends only the seller details that changed, trimmed, and an emptied one as clear", () => {
    expect(documentChanges(SAVED, form())).toEqual({});
    expect(documentChanges(SAVED, form({ vatNumber: " NL123456789B01 " }))).toEqual({ seller: { vatNumber: "NL123456789B01" } });
    expect(documentChanges(SAVED, form({ name: "", registrationNumber: "12345678" }))).toEqual({
      seller: { name: "", registrationNumber: "12345678" },
    });
  });

  it("sends the accent colour in lower case, and an emptied one as the default", () => {
    expect(documentChanges(SAVED, form({ accentColour: "#0A7D3B" }))).toEqual({ accentColour: "#0a7d3b" });
    expect(documentChanges({ ...SAVED, accentColour: "#0a7d3b" }, form({ accentColour: "" }))).toEqual({ accentColour: "" });
    expect(hexColour("#0A7D3B")).toBe("#0a7d3b");
    expect(hexColour("green")).toBeNull();
  });
});

describe("the accent colour's preview", () => {
  it("writes white or black on the colour, whichever contrasts more (WCAG luminance)", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21);
    expect(textOn("#111827")).toBe("#ffffff");
    expect(textOn("#0a7d3b")).toBe("#ffffff");
    expect(textOn("#ffd400")).toBe("#000000");
    expect(textOn("#ffffff")).toBe("#000000");
    // Mid grey: black contrasts 5.3, white 4.0.
    expect(textOn("#808080")).toBe("#000000");
  });
});

describe("the logo's file checks", () => {
  it("takes a PNG or JPEG of at most 512 KB", () => {
    expect(logoFileProblem({ type: "image/png", size: 10_000 })).toBeNull();
    expect(logoFileProblem({ type: "image/jpeg", size: LOGO_MAX_BYTES })).toBeNull();
    expect(logoFileProblem({ type: "image/png", size: LOGO_MAX_BYTES + 1 })).toBe("size");
    expect(logoFileProblem({ type: "image/gif", size: 100 })).toBe("type");
    expect(logoFileProblem({ type: "", size: 100 })).toBe("type");
  });
});

describe("the Documents section", { timeout: 15_000 }, () => {
  it("says which details invoices miss, shows a refusal on its field, then sends only the changed details", async () => {
    const user = userEvent.setup();
    const { client, executeMutation } = mockClient(() => ({
      installationSettings: null,
      errors: [{ field: "seller.vatNumber", code: "INVALID", message: "not a VAT number" }],
    }));
    const { dispatched } = open(client);
    expect(await screen.findByText("Invoices issued now are marked as missing these details: VAT number and Registration number.")).toBeInTheDocument();
    const vat = screen.getByRole("textbox", { name: "VAT number" });
    await user.type(vat, "NL12");
    await user.clear(screen.getByRole("textbox", { name: "Accent colour" }));
    await user.type(screen.getByRole("textbox", { name: "Accent colour" }), "#FFD400");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(vat).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByText("not a VAT number")).toBeInTheDocument();
    expect(executeMutation.mock.calls[0]?.[0].variables).toEqual({ seller: { vatNumber: "NL12" }, accentColour: "#ffd400" });
    expect(dispatched.find((a) => a.type === "notification")?.payload).toMatchObject({
      status: "error",
      apiMessage: "seller.vatNumber: not a VAT number",
    });
    const preview = document.querySelector("[data-accent-preview]") as HTMLElement;
    expect(preview.style.color).toBe("rgb(0, 0, 0)");
  });

  it("refuses a file too large or of another type before sending it, in Dutch", async () => {
    const user = userEvent.setup({ applyAccept: false });
    const fetched = vi.fn();
    vi.stubGlobal("fetch", fetched);
    const { client } = mockClient(() => ({}));
    const { dispatched } = open(client, "nl");
    const input = (await screen.findByLabelText("Een logo uploaden")) as HTMLInputElement;
    await user.upload(input, new File([new Uint8Array(LOGO_MAX_BYTES + 10)], "big.png", { type: "image/png" }));
    expect(await screen.findByText("Het logo is 513 KB: hoogstens 512 KB.")).toBeInTheDocument();
    expect(input).toHaveAttribute("aria-invalid", "true");
    await user.upload(input, new File(["GIF89a"], "logo.gif", { type: "image/gif" }));
    expect(await screen.findByText("Het logo moet een PNG- of JPEG-afbeelding zijn.")).toBeInTheDocument();
    expect(fetched).not.toHaveBeenCalled();
    expect(dispatched.filter((a) => a.type === "notification" && a.payload.status === "error")).toHaveLength(2);
  });

  it("uploads a PNG with the app's token and shows the logo the API answers with", async () => {
    const user = userEvent.setup();
    const logoUrl = "http://localhost/brand/1/abc.png";
    const fetched = vi.fn(() => Promise.resolve(new Response(JSON.stringify({ logoUrl }), { status: 200 })));
    vi.stubGlobal("fetch", fetched);
    const { client } = mockClient(() => ({}));
    open(client);
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], "logo.png", { type: "image/png" });
    await user.upload(await screen.findByLabelText("Upload a logo"), png);
    expect(await screen.findByRole("img", { name: "The shop's logo" })).toHaveAttribute("src", logoUrl);
    const [url, init] = fetched.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(new URL("/api/shop/logo", window.location.origin).toString());
    expect(init).toMatchObject({ method: "PUT", headers: { Authorization: "Bearer t", "Content-Type": "image/png" }, body: png });
  });

  it("shows the API's refusal of the image on the field", async () => {
    const user = userEvent.setup();
    const refusal = { errors: [{ message: "logo: not a PNG image", extensions: { code: "BAD_USER_INPUT", field: "logo", reason: "INVALID" } }] };
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response(JSON.stringify(refusal), { status: 400 }))));
    const { client } = mockClient(() => ({}));
    const { dispatched } = open(client);
    await user.upload(await screen.findByLabelText("Upload a logo"), new File(["x"], "logo.png", { type: "image/png" }));
    expect(await screen.findByText("logo: not a PNG image")).toBeInTheDocument();
    expect(dispatched.find((a) => a.type === "notification")?.payload).toMatchObject({
      status: "error",
      apiMessage: "logo: not a PNG image",
    });
  });

  it("removes the logo with DELETE", async () => {
    const user = userEvent.setup();
    const fetched = vi.fn(() => Promise.resolve(new Response(JSON.stringify({ logoUrl: null }), { status: 200 })));
    vi.stubGlobal("fetch", fetched);
    const { client } = mockClient(() => ({}), { ...SAVED, logoUrl: "http://localhost/brand/1/abc.png" });
    const { dispatched } = open(client);
    expect(await screen.findByRole("img", { name: "The shop's logo" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Remove the logo" }));
    expect(await screen.findByText("No logo yet.")).toBeInTheDocument();
    expect(fetched.mock.calls[0]).toMatchObject([expect.stringMatching(/\/api\/shop\/logo$/), { method: "DELETE" }]);
    expect(dispatched.find((a) => a.type === "notification")?.payload).toMatchObject({ status: "success", title: "Logo removed" });
  });
  it("marks the session expired when the API refuses the token of an upload, instead of showing its message", async () => {
    const user = userEvent.setup();
    const expired = { errors: [{ message: "the token has expired", extensions: { code: "INVALID_TOKEN" } }] };
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(new Response(JSON.stringify(expired), { status: 401 }))));
    const { client } = mockClient(() => ({}));
    const { dispatched } = open(client);
    expect(screen.getByTestId("session")).toHaveTextContent("live");
    await user.upload(await screen.findByLabelText("Upload a logo"), new File(["x"], "logo.png", { type: "image/png" }));
    await waitFor(() => expect(screen.getByTestId("session")).toHaveTextContent("expired"));
    expect(screen.queryByText("the token has expired")).not.toBeInTheDocument();
    expect(dispatched.filter((a) => a.type === "notification")).toHaveLength(0);
  });
});
