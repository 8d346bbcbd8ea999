// What the plans page reads from Saleor itself, in the browser, with the dashboard's token (staff with
// MANAGE_PRODUCTS): the product's variants and their prices per channel. Saleor's schema is not part of this
// build, so the one document is typed by hand here (fields as in Saleor 3.21's schema).

export const PRODUCT_QUERY = /* GraphQL */ `
  query DashboardProduct($id: ID!) {
    product(id: $id) {
      id
      name
      variants {
        id
        name
        sku
        channelListings {
          channel {
            slug
            name
            currencyCode
          }
          price {
            amount
            currency
          }
        }
      }
    }
  }
`;

export interface SaleorChannel {
  slug: string;
  name: string;
  currencyCode: string;
}

export interface SaleorVariant {
  id: string;
  name: string;
  sku: string | null;
  channelListings: { channel: SaleorChannel; price: { amount: number; currency: string } | null }[] | null;
}

export interface SaleorProduct {
  id: string;
  name: string;
  variants: SaleorVariant[] | null;
}

export class SaleorRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

export async function fetchProduct(saleorApiUrl: string, token: string, id: string): Promise<SaleorProduct | null> {
  const response = await fetch(saleorApiUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: PRODUCT_QUERY, variables: { id } }),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: { product: SaleorProduct | null };
    errors?: { message: string; extensions?: { exception?: { code?: string } } }[];
  } | null;
  const error = body?.errors?.[0];
  if (!response.ok || error || !body?.data) {
    throw new SaleorRequestError(
      error?.message ?? `Saleor answered ${response.status}`,
      response.status,
      error?.extensions?.exception?.code,
    );
  }
  return body.data.product;
}

/** The channels any variant is sold in, in the order first met. */
export function channelsOf(product: SaleorProduct): SaleorChannel[] {
  const found = new Map<string, SaleorChannel>();
  for (const variant of product.variants ?? []) {
    for (const listing of variant.channelListings ?? []) {
      if (!found.has(listing.channel.slug)) {
        found.set(listing.channel.slug, listing.channel);
      }
    }
  }
  return [...found.values()];
}

/** The variant's price in a channel as decimal text with the currency's minor units ("17.50" USD, "1500" JPY);
 * Saleor sends it as a JSON number. */
export function variantPrice(variant: SaleorVariant, channel: string): string | null {
  const listing = variant.channelListings?.find((l) => l.channel.slug === channel);
  if (!listing?.price) {
    return null;
  }
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: listing.price.currency })
    .resolvedOptions().minimumFractionDigits ?? 2;
  return listing.price.amount.toFixed(digits);
}

export const CHANNELS_QUERY = /* GraphQL */ `
  query DashboardChannels {
    channels {
      slug
      name
      currencyCode
    }
  }
`;

/** The shop's channels (staff), for choosing which channel's settings to show. */
export async function fetchChannels(saleorApiUrl: string, token: string): Promise<SaleorChannel[]> {
  const response = await fetch(saleorApiUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: CHANNELS_QUERY }),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: { channels: SaleorChannel[] | null };
    errors?: { message: string }[];
  } | null;
  if (!response.ok || body?.errors?.length || !body?.data) {
    throw new SaleorRequestError(body?.errors?.[0]?.message ?? `Saleor answered ${response.status}`, response.status);
  }
  return body.data.channels ?? [];
}
