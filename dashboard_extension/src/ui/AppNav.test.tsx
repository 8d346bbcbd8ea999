import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route } from "react-router-dom";
import type { Client } from "urql";
import { describe, expect, it } from "vitest";

import { renderPage } from "../test/render";
import { activePage, AppNav } from "./AppNav";

describe("the app's tab bar", () => {
  it("knows the tab of a path", () => {
    expect(activePage("/invoices/SW52b2ljZTo3")).toBe("/invoices");
    expect(activePage("/")).toBe("/");
    expect(activePage("/product-plans")).toBe("");
  });

  it("marks the current page and goes to another through the router, in Dutch too", async () => {
    const user = userEvent.setup();
    renderPage(<Route path="*" element={<AppNav />} />, { client: {} as Client, url: "/invoices/x", locale: "nl" });

    expect(screen.getByRole("link", { name: "Facturen" })).toHaveAttribute("aria-current", "page");
    await user.click(screen.getByRole("link", { name: "Rapporten" }));
    expect(screen.getByTestId("where")).toHaveTextContent("/reports");
    expect(screen.getByRole("link", { name: "Rapporten" })).toHaveAttribute("aria-current", "page");
  });
});
