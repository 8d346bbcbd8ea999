import { Box, Text } from "@saleor/macaw-ui";
import { lazy, Suspense, type ComponentType } from "react";
import { Link, useSearchParams } from "react-router-dom";

import type { MessageId } from "../../i18n/messages";
import { useT } from "../../i18n/useT";
import { Loading } from "../../ui/states";
import { StripeSection } from "./StripeSection";

// The Stripe connection is the page's first view (the product popup's bundle carries it); the other sections
// load as chunks of their own when opened.
const GeneralSection = lazy(() => import("./GeneralSection").then((m) => ({ default: m.GeneralSection })));
const DocumentsSection = lazy(() => import("./DocumentsSection").then((m) => ({ default: m.DocumentsSection })));
const DunningSection = lazy(() => import("./DunningSection").then((m) => ({ default: m.DunningSection })));
const SelfServiceSection = lazy(() => import("./SelfServiceSection").then((m) => ({ default: m.SelfServiceSection })));
const DiscountCodesSection = lazy(() =>
  import("./DiscountCodesSection").then((m) => ({ default: m.DiscountCodesSection })),
);
const ApiKeysSection = lazy(() => import("./ApiKeysSection").then((m) => ({ default: m.ApiKeysSection })));
const WebhookEndpointsSection = lazy(() =>
  import("./WebhookEndpointsSection").then((m) => ({ default: m.WebhookEndpointsSection })),
);
const IntegritySection = lazy(() => import("./IntegritySection").then((m) => ({ default: m.IntegritySection })));

/** The settings' sections in the menu's order, by their `?section=` id. */
const STRIPE = { id: "stripe", label: "set.menu.stripe", component: StripeSection } as const;

export const SECTIONS: { id: string; label: MessageId; component: ComponentType }[] = [
  STRIPE,
  { id: "general", label: "set.menu.general", component: GeneralSection },
  { id: "documents", label: "set.menu.documents", component: DocumentsSection },
  { id: "dunning", label: "set.menu.dunning", component: DunningSection },
  { id: "selfService", label: "set.menu.selfService", component: SelfServiceSection },
  { id: "discounts", label: "set.menu.discounts", component: DiscountCodesSection },
  { id: "apiKeys", label: "set.menu.apiKeys", component: ApiKeysSection },
  { id: "webhooks", label: "set.menu.webhooks", component: WebhookEndpointsSection },
  { id: "integrity", label: "set.menu.integrity", component: IntegritySection },
];

/** The app's home page (docs/dashboard.md "Settings"): a menu of sections, the one shown named in the URL
 * (`?section=general`; none: the Stripe connection), so reload and back keep it. */
export function SettingsPage() {
  const t = useT();
  const [params] = useSearchParams();
  const current = SECTIONS.find((s) => s.id === params.get("section")) ?? STRIPE;
  const Current = current.component;
  return (
    <Box display="flex" flexDirection="column" gap={5} padding={6} data-page="settings">
      <Text as="h1" size={8} fontWeight="bold">
        {t("app.title")} · {t("settings.title")}
      </Text>
      <Box as="nav" aria-label={t("set.menu")} data-settings-menu>
        <Box as="ul" display="flex" flexWrap="wrap" gap={2} style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {SECTIONS.map((section) => (
            <li key={section.id}>
              <Box
                as="span"
                display="inline-block"
                paddingX={3}
                paddingY={1.5}
                borderRadius={3}
                borderWidth={1}
                borderStyle="solid"
                borderColor={section.id === current.id ? "accent1" : "default1"}
                backgroundColor={section.id === current.id ? "default1Hovered" : "default1"}
              >
                <Link
                  to={section.id === "stripe" ? "/" : `/?section=${section.id}`}
                  aria-current={section.id === current.id ? "page" : undefined}
                  data-section-link={section.id}
                  style={{ color: "inherit", textDecoration: "none" }}
                >
                  {t(section.label)}
                </Link>
              </Box>
            </li>
          ))}
        </Box>
      </Box>
      <Suspense fallback={<Loading />}>
        <Current key={current.id} />
      </Suspense>
    </Box>
  );
}
