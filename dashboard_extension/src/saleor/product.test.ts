import { describe, expect, it } from "vitest";

import { channelsOf, variantPrice, type SaleorProduct } from "./product";

const channel = (slug: string, currencyCode: string) => ({ slug, name: slug, currencyCode });

const product: SaleorProduct = {
  id: "UHJvZHVjdDox",
  name: "Coffee club",
  variants: [
    {
      id: "v1",
      name: "500 g",
      sku: null,
      channelListings: [
        { channel: channel("us", "USD"), price: { amount: 17.5, currency: "USD" } },
        { channel: channel("jp", "JPY"), price: { amount: 1500, currency: "JPY" } },
      ],
    },
    { id: "v2", name: "1 kg", sku: null, channelListings: [{ channel: channel("us", "USD"), price: null }] },
  ],
};

describe("what the plans page reads of Saleor's product", () => {
  it("prices keep their currency's minor units", () => {
    const [variant] = product.variants ?? [];
    expect(variant && variantPrice(variant, "us")).toBe("17.50");
    expect(variant && variantPrice(variant, "jp")).toBe("1500");
    expect(variant && variantPrice(variant, "eu")).toBeNull();
  });

  it("the channels are those any variant is listed in, each once", () => {
    expect(channelsOf(product).map((c) => c.slug)).toEqual(["us", "jp"]);
  });
});
