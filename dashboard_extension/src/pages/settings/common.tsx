import { Box, Button, Input, Text } from "@saleor/macaw-ui";
import { Check, Copy } from "lucide-react";
import { useEffect, useId, useRef, useState, type ChangeEvent, type ReactNode } from "react";
import { useIntl } from "react-intl";
import type { CombinedError } from "urql";

import { requestErrors, type FieldError } from "../../api/errors";
import { useNotify } from "../../bridge/hooks";
import { useT } from "../../i18n/useT";
import { ErrorState, Loading } from "../../ui/states";

/** The Saleor permissions a refused request lacks (`PERMISSION_DENIED`, `extensions.permissions`), or null when
 * it was refused for another reason. */
export function missingPermissions(error: CombinedError | undefined, needed: readonly string[]): string[] | null {
  const denied = error?.graphQLErrors.find((e) => e.extensions.code === "PERMISSION_DENIED");
  if (!denied) {
    return null;
  }
  const named = denied.extensions.permissions;
  return Array.isArray(named) && named.length > 0 ? named.map(String) : [...needed];
}

/**
 * What a section shows before its data: loading, a clear message when the dashboard's token lacks the Saleor
 * permission the API asks for, or the error with a retry. A failed read is also a dashboard notification with
 * the API's message (once per error). Null when the data is there.
 */
export function SectionGate({
  fetching,
  hasData,
  error,
  needs,
  anyOf = false,
  onRetry,
}: {
  fetching: boolean;
  hasData: boolean;
  error: CombinedError | undefined;
  needs: readonly string[];
  /** One of `needs` is enough (else every one is needed). */
  anyOf?: boolean;
  onRetry: () => void;
}) {
  const t = useT();
  const intl = useIntl();
  const notify = useNotify();
  const notified = useRef<CombinedError | undefined>(undefined);
  useEffect(() => {
    if (error && !hasData && notified.current !== error) {
      notified.current = error;
      notify.error(t("errors.api"), requestErrors(error));
    }
  }, [error, hasData, notify, t]);
  if (hasData) {
    return null;
  }
  if (fetching || !error) {
    return <Loading />;
  }
  const missing = missingPermissions(error, needs);
  if (missing) {
    return (
      <Box display="flex" flexDirection="column" gap={2} padding={4} data-state="forbidden" role="alert">
        <Text fontWeight="bold">{t("set.forbidden.title")}</Text>
        <Text>
          {t("set.forbidden.text", {
            permissions: new Intl.ListFormat(intl.locale, { type: anyOf ? "disjunction" : "conjunction" }).format(missing),
          })}
        </Text>
      </Box>
    );
  }
  return <ErrorState message={requestErrors(error)[0]?.message ?? ""} onRetry={onRetry} />;
}

/** A mutation's errors: the request's own (network, permission) or the payload's field errors. */
export function resultErrors(
  error: CombinedError | undefined,
  payload: { errors: readonly FieldError[] } | null | undefined,
): FieldError[] {
  if (error) {
    return requestErrors(error);
  }
  return payload ? [...payload.errors] : [{ message: "no answer", field: null }];
}

/** Errors not shown on a field of the form (the request as a whole, or a field the form does not have). */
export function otherErrors(errors: Record<string, string>, fields: readonly string[]): string[] {
  return Object.entries(errors)
    .filter(([name]) => !fields.includes(name))
    .map(([name, message]) => (name ? `${name}: ${message}` : message));
}

export function Refusal({ messages }: { messages: string[] }) {
  if (messages.length === 0) {
    return null;
  }
  return (
    <Text color="critical1" role="alert" data-refusal>
      {messages.join("; ")}
    </Text>
  );
}

/** Copies `text` to the clipboard (the frame may lack the Clipboard API's permission: then it selects and copies). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    const copied = document.execCommand?.("copy") ?? false;
    area.remove();
    return copied;
  }
}

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <Button
      type="button"
      variant="secondary"
      size="small"
      data-action="copy"
      aria-label={label ?? t("set.copy")}
      onClick={async () => setCopied(await copyText(text))}
    >
      {copied ? <Check size={14} /> : <Copy size={14} />}
      {copied ? t("set.copied") : t("set.copy")}
    </Button>
  );
}

/** A secret the API shows this once (an API key, a webhook signing secret), with a copy button. */
export function SecretOnce({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const t = useT();
  return (
    <Box
      display="flex"
      flexDirection="column"
      gap={2}
      padding={4}
      borderWidth={1}
      borderStyle="solid"
      borderColor="accent1"
      borderRadius={4}
      data-secret-once
      role="status"
    >
      <Text fontWeight="bold">{title}</Text>
      <Text size={3}>{t("set.secretOnce")}</Text>
      <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
        <code data-secret>{secret}</code>
        <CopyButton text={secret} />
      </Box>
      <Box>
        <Button type="button" variant="secondary" onClick={onDone}>
          {t("set.secretDone")}
        </Button>
      </Box>
    </Box>
  );
}

/** Asks in the page before a change that cannot be undone (a dashboard frame may not open browser dialogs). */
export function Confirm({
  title,
  text,
  confirmLabel,
  busy,
  reason,
  onConfirm,
  onClose,
}: {
  title: string;
  text: string;
  confirmLabel: string;
  busy: boolean;
  reason?: boolean;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}) {
  const t = useT();
  const titleId = useId();
  const [why, setWhy] = useState("");
  return (
    <Box
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      display="flex"
      flexDirection="column"
      gap={3}
      padding={5}
      borderWidth={1}
      borderStyle="solid"
      borderColor="default1"
      borderRadius={4}
      backgroundColor="default1"
    >
      <Text as="h3" id={titleId} size={5} fontWeight="bold">
        {title}
      </Text>
      <Text>{text}</Text>
      {reason && (
        <TextField name="reason" label={t("set.reason")} value={why} onChange={setWhy} />
      )}
      <Box display="flex" gap={2}>
        <Button type="button" variant="error" disabled={busy} data-action="confirm" onClick={() => onConfirm(why)}>
          {confirmLabel}
        </Button>
        <Button type="button" variant="secondary" onClick={onClose}>
          {t("set.back")}
        </Button>
      </Box>
    </Box>
  );
}

type FieldType = "text" | "number" | "email" | "url" | "datetime-local";

/** A labelled input: the API's error on it (aria-invalid), else its help below in the page's own text colour
 * (macaw-ui's helper text is too faint for WCAG AA); macaw-ui's Input without the role it adds. */
export function TextField({
  name,
  label,
  value,
  onChange,
  error,
  help,
  type = "text",
}: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  help?: string | undefined;
  type?: FieldType;
}) {
  const helpId = useId();
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Input
        name={name}
        type={type}
        label={label}
        value={value}
        error={Boolean(error)}
        aria-invalid={Boolean(error)}
        aria-describedby={help && !error ? helpId : undefined}
        role={undefined}
        helperText={error}
        onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
      />
      {help && !error && (
        <Text id={helpId} size={2}>
          {help}
        </Text>
      )}
    </Box>
  );
}

/** A labelled native checkbox. */
export function CheckField({
  label,
  name,
  checked,
  onChange,
  help,
}: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  help?: ReactNode;
}) {
  return (
    <Box display="flex" flexDirection="column" gap={1}>
      <Box as="label" display="flex" gap={2} alignItems="center">
        <input
          type="checkbox"
          name={name}
          checked={checked}
          onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.checked)}
        />
        <Text>{label}</Text>
      </Box>
      {help && <Text size={2}>{help}</Text>}
    </Box>
  );
}

/** A date-time as the owner's browser shows it; "" for none. */
export function when(value: string | null | undefined, locale: string): string {
  return value ? new Date(value).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" }) : "";
}
