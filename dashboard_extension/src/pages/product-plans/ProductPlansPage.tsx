import { useWidgetAutoResize } from "@saleor/app-sdk/app-bridge";

import { supportsAction } from "../../bridge/capabilities";
import { useBridge } from "../../bridge/state";
import { Box, Button, Text } from "@saleor/macaw-ui";
import { Archive, ExternalLink, Pencil, Plus, Repeat } from "lucide-react";
import { useCallback, useEffect, useRef, useState } from "react";
import { useClient, useMutation } from "urql";

import {
  PlanArchiveMutation,
  PlanCreateMutation,
  PlanUpdateMutation,
  ProductPlansQuery,
} from "../../api/documents";
import { errorsByField, requestErrors, type FieldError } from "../../api/errors";
import { useNotify, useRedirect } from "../../bridge/hooks";
import type { PlanFieldsFragment } from "../../gql/graphql";
import type { MessageId } from "../../i18n/messages";
import { useT } from "../../i18n/useT";
import {
  channelsOf,
  fetchProduct,
  variantPrice,
  type SaleorChannel,
  type SaleorProduct,
  type SaleorVariant,
} from "../../saleor/product";
import { useInteractiveMark } from "../../ui/interactive";
import { Empty, ErrorState, Loading, Section } from "../../ui/states";
import { Table, TBody, TD, TH, THead, TR } from "../../ui/table";
import { NEW_PLAN, termsInput, valuesOf, type PlanFormValues } from "./formState";
import { PlanForm } from "./PlanForm";

type Load =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; product: SaleorProduct | null; plans: Record<string, PlanFieldsFragment[]> };

/** Where a form is open: a new plan of a variant in a channel, or an existing plan. */
type Editing = { variant: SaleorVariant; channel: SaleorChannel; plan: PlanFieldsFragment | null };

/** The product id the dashboard put in the page's URL (`?productId=`, as it opens a product's popup). */
export function productIdFromUrl(search: string = window.location.search): string | null {
  const params = new URLSearchParams(search);
  return params.get("productId") ?? params.get("productID") ?? null;
}

export function ProductPlansPage() {
  const t = useT();
  const notify = useNotify();
  const redirect = useRedirect();
  const client = useClient();
  const { state: appBridgeState } = useBridge();
  const productId = productIdFromUrl();
  const token = appBridgeState?.token;
  const saleorApiUrl = appBridgeState?.saleorApiUrl;
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [creating, createPlan] = useMutation(PlanCreateMutation);
  const [updating, updatePlan] = useMutation(PlanUpdateMutation);
  const [, archivePlan] = useMutation(PlanArchiveMutation);
  const [converting, setConverting] = useState(false);

  const reload = useCallback(async () => {
    if (!productId || !token || !saleorApiUrl) {
      return;
    }
    try {
      const product = await fetchProduct(saleorApiUrl, token, productId);
      const plans: Record<string, PlanFieldsFragment[]> = {};
      const channels = product ? channelsOf(product) : [];
      const results = await Promise.all(
        channels.map((channel) =>
          client
            .query(ProductPlansQuery, { product: productId, channel: channel.slug }, { requestPolicy: "network-only" })
            .toPromise(),
        ),
      );
      results.forEach((result, index) => {
        if (result.error) {
          throw new Error(requestErrors(result.error)[0]?.message ?? t("errors.api"));
        }
        plans[channels[index]?.slug ?? ""] = result.data?.plans ?? [];
      });
      setLoad({ state: "ready", product, plans });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      notify.error(t("state.error"), message);
      setLoad({ state: "error", message });
    }
  }, [client, notify, productId, saleorApiUrl, t, token]);

  useEffect(() => {
    void reload();
  }, [reload]);
  useInteractiveMark(load.state !== "loading");

  if (!productId) {
    return <Page><ErrorState message={t("plans.noProduct")} /></Page>;
  }
  if (load.state === "loading") {
    return <Page><Loading /></Page>;
  }
  if (load.state === "error") {
    return (
      <Page>
        <ErrorState message={load.message} onRetry={() => { setLoad({ state: "loading" }); void reload(); }} />
      </Page>
    );
  }
  const { product, plans } = load;
  if (!product) {
    return <Page><Empty>{t("plans.productNotFound")}</Empty></Page>;
  }
  const channels = channelsOf(product);
  if (channels.length === 0) {
    return <Page title={t("plans.of", { product: product.name })}><Empty>{t("plans.noVariants")}</Empty></Page>;
  }

  const failed = (title: string, errors: FieldError[]) => {
    setFieldErrors(errorsByField(errors));
    notify.error(title, errors);
  };

  const save = async (values: PlanFormValues) => {
    if (!editing) {
      return;
    }
    const { variant, channel, plan } = editing;
    const result = plan
      ? await updatePlan({
          id: plan.id,
          input: {
            name: values.name,
            isDefault: values.isDefault,
            terms: termsInput(values),
            migrateSubscriptions: values.migrateSubscriptions || null,
            effectiveOn: values.migrateSubscriptions && values.effectiveOn ? values.effectiveOn : null,
          },
        })
      : await createPlan({
          input: {
            variant: variant.id,
            channel: channel.slug,
            name: values.name,
            isDefault: values.isDefault,
            terms: termsInput(values),
          },
        });
    const payload = result.data ? ("planUpdate" in result.data ? result.data.planUpdate : result.data.planCreate) : null;
    const errors = result.error ? requestErrors(result.error) : (payload?.errors ?? []);
    if (errors.length > 0 || !payload?.plan) {
      failed(t("plans.saveFailed"), errors.length ? errors : [{ message: t("errors.api") }]);
      return;
    }
    notify.success(plan ? t("plans.saved") : t("plans.created"));
    setEditing(null);
    setFieldErrors({});
    await reload();
  };

  const archive = async (plan: PlanFieldsFragment) => {
    const result = await archivePlan({ id: plan.id });
    const errors = result.error ? requestErrors(result.error) : (result.data?.planArchive?.errors ?? []);
    if (errors.length > 0) {
      notify.error(t("plans.saveFailed"), errors);
      return;
    }
    notify.success(t("plans.archived"));
    await reload();
  };

  /** One step: a monthly default plan at the variant's price, for every variant in every channel. */
  const makeSubscription = async () => {
    setConverting(true);
    const errors: FieldError[] = [];
    let made = 0;
    for (const channel of channels) {
      for (const variant of product.variants ?? []) {
        if (variantPrice(variant, channel.slug) === null) {
          continue;
        }
        const result = await createPlan({
          input: {
            variant: variant.id,
            channel: channel.slug,
            name: t("unit.MONTH").replace(/^./, (c) => c.toUpperCase()),
            isDefault: true,
            terms: { interval: "MONTH" },
          },
        });
        const found = result.error ? requestErrors(result.error) : (result.data?.planCreate?.errors ?? []);
        errors.push(...found);
        made += found.length === 0 ? 1 : 0;
      }
    }
    setConverting(false);
    if (errors.length > 0) {
      notify.error(t("plans.saveFailed"), errors);
    } else {
      notify.success(t("plans.made", { count: made }));
    }
    await reload();
  };

  const total = Object.values(plans).reduce((sum, list) => sum + list.length, 0);
  return (
    <Page title={t("plans.of", { product: product.name })}>
      {total === 0 && (
        <Empty
          action={
            <Box display="flex" flexDirection="column" gap={2}>
              <Text size={3} color="default2">{t("plans.makeSubscriptionHelp")}</Text>
              <Box>
                <Button variant="primary" onClick={() => void makeSubscription()} disabled={converting} data-action="make-subscription">
                  <Repeat size={16} />
                  {t("plans.makeSubscription")}
                </Button>
              </Box>
            </Box>
          }
        >
          {t("plans.empty")}
        </Empty>
      )}
      {channels.map((channel) =>
        (product.variants ?? [])
          .filter((variant) => variantPrice(variant, channel.slug) !== null)
          .map((variant) => {
            const mine = (plans[channel.slug] ?? []).filter((plan) => plan.variantId === variant.id);
            const price = variantPrice(variant, channel.slug);
            const open = editing && editing.variant.id === variant.id && editing.channel.slug === channel.slug;
            return (
              <Section
                key={`${channel.slug}:${variant.id}`}
                title={t("plans.variantChannel", { variant: variant.name || variant.sku || variant.id, channel: channel.name })}
                data-variant={variant.id}
                data-channel={channel.slug}
              >
                <Box>
                  <Button
                    variant="tertiary"
                    size="small"
                    data-action="open-variant"
                    onClick={() => redirect(`/products/${productId}/variant/${variant.id}`)}
                  >
                    <ExternalLink size={14} />
                    {t("plans.openVariant")}
                  </Button>
                </Box>
                {mine.length === 0 ? (
                  <Text color="default2">{t("plans.none")}</Text>
                ) : (
                  <PlanTable plans={mine} channelPrice={price} onEdit={(plan) => { setFieldErrors({}); setEditing({ variant, channel, plan }); }} onArchive={(plan) => void archive(plan)} />
                )}
                {open ? (
                  <PlanForm
                    key={editing.plan?.id ?? "new"}
                    title={editing.plan ? t("form.editTitle", { name: editing.plan.name }) : t("form.newTitle", { variant: variant.name || variant.id, channel: channel.name })}
                    initial={editing.plan ? valuesOf(editing.plan) : { ...NEW_PLAN, isDefault: mine.length === 0 }}
                    currency={channel.currencyCode}
                    channelPrice={price}
                    planId={editing.plan?.id ?? null}
                    errors={fieldErrors}
                    saving={creating.fetching || updating.fetching}
                    onSubmit={(values) => void save(values)}
                    onCancel={() => setEditing(null)}
                  />
                ) : (
                  <Box>
                    <Button variant="secondary" data-action="add-plan" onClick={() => { setFieldErrors({}); setEditing({ variant, channel, plan: null }); }}>
                      <Plus size={16} />
                      {t("plans.add")}
                    </Button>
                  </Box>
                )}
              </Section>
            );
          }),
      )}
    </Page>
  );
}

function Page({ title, children }: { title?: string; children: React.ReactNode }) {
  const t = useT();
  const { state } = useBridge();
  const root = useRef<HTMLDivElement>(null);
  // On Saleor 3.22+ the page is also a widget on the product page: it tells the dashboard its height. Dashboard
  // 3.21 has no widgets and would throw on the action.
  const widget = window.location.pathname.endsWith("/widget") && supportsAction("widgetResize", state?.dashboardVersion);
  useWidgetAutoResize(root, widget);
  return (
    <Box ref={root} display="flex" flexDirection="column" gap={4} padding={6} data-page="product-plans">
      <Text as="h1" size={8} fontWeight="bold">
        {title ?? t("plans.title")}
      </Text>
      {children}
    </Box>
  );
}

function PlanTable({
  plans,
  channelPrice,
  onEdit,
  onArchive,
}: {
  plans: PlanFieldsFragment[];
  channelPrice: string | null;
  onEdit: (plan: PlanFieldsFragment) => void;
  onArchive: (plan: PlanFieldsFragment) => void;
}) {
  const t = useT();
  // Confirmed in the page: a popup's frame may not be allowed to open the browser's dialogs.
  const [confirming, setConfirming] = useState<string | null>(null);
  return (
    <Table data-plans>
      <THead>
        <TR>
          <TH>{t("plans.col.name")}</TH>
          <TH>{t("plans.col.billing")}</TH>
          <TH>{t("plans.col.price")}</TH>
          <TH>{t("plans.col.version")}</TH>
          <TH />
        </TR>
      </THead>
      <TBody>
        {plans.map((plan) => (
          <TR key={plan.id} data-plan={plan.id}>
            <TD>
              {plan.name}
              {plan.isDefault && <Text size={2} color="default2"> ({t("plans.default")})</Text>}
            </TD>
            <TD>
              {t("plans.every", {
                count: plan.terms.intervalCount,
                unit: t(`unit.${plan.terms.interval}` as MessageId),
                units: t(`units.${plan.terms.interval}` as MessageId),
              })}
            </TD>
            <TD>
              {plan.terms.price
                ? `${plan.terms.price} ${plan.currency}`
                : t("plans.channelPrice", { price: `${channelPrice ?? "?"} ${plan.currency}` })}
            </TD>
            <TD>{plan.terms.version}</TD>
            <TD>
              <Box display="flex" gap={2} justifyContent="flex-end">
                <Button variant="tertiary" size="small" onClick={() => onEdit(plan)} data-action="edit">
                  <Pencil size={14} />
                  {t("plans.edit")}
                </Button>
                {confirming === plan.id ? (
                  <Box display="flex" gap={2} alignItems="center" data-confirm-archive>
                    <Text size={2}>{t("plans.archiveConfirm", { name: plan.name })}</Text>
                    <Button variant="error" size="small" onClick={() => { setConfirming(null); onArchive(plan); }} data-action="confirm-archive">
                      {t("plans.archive")}
                    </Button>
                    <Button variant="secondary" size="small" onClick={() => setConfirming(null)}>
                      {t("form.cancel")}
                    </Button>
                  </Box>
                ) : (
                  <Button variant="tertiary" size="small" onClick={() => setConfirming(plan.id)} data-action="archive">
                    <Archive size={14} />
                    {t("plans.archive")}
                  </Button>
                )}
              </Box>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
