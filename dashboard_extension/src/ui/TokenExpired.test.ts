import { describe, expect, it } from "vitest";

import { reopenPath } from "./TokenExpired";

const APP_PAGE = "?domain=shop&saleorApiUrl=https%3A%2F%2Fshop%2Fgraphql%2F&id=QXBwOjE%3D&theme=dark&locale=nl";

describe("where Reopen goes", () => {
  it("reopens a page of the app at the same path and the page's own query", () => {
    expect(reopenPath("/subscriptions/U3ViOjE=", APP_PAGE, "QXBwOjE=", "3.21.0", APP_PAGE)).toBe(
      "/apps/QXBwOjE%3D/app/subscriptions/U3ViOjE=",
    );
    expect(reopenPath("/subscriptions", `${APP_PAGE}&tab=PAST_DUE&q=bob`, "QXBwOjE=", "3.21.0", APP_PAGE)).toBe(
      "/apps/QXBwOjE%3D/app/subscriptions?tab=PAST_DUE&q=bob",
    );
    expect(reopenPath("/", APP_PAGE, "QXBwOjE=", null, APP_PAGE)).toBe("/apps/QXBwOjE%3D/app");
    expect(reopenPath("/subscriptions", APP_PAGE, "QXBwOjE=", "3.22.1", APP_PAGE)).toBe(
      "/extensions/app/QXBwOjE%3D/subscriptions",
    );
  });

  it("sends a popup back to the product, order or customer it was opened over", () => {
    expect(reopenPath("/product-plans", "?productId=UHJvZDox", "a", null, "?productId=UHJvZDox")).toBe("/products/UHJvZDox");
    expect(reopenPath("/subscriptions/U3ViOjE=", "", "a", null, "?orderId=T3JkZXI6MQ%3D%3D")).toBe(
      "/orders/T3JkZXI6MQ%3D%3D",
    );
    expect(reopenPath("/customer", "?customerId=VXNlcjox", "a", null, "?customerId=VXNlcjox")).toBe(
      "/customers/VXNlcjox",
    );
  });
});
