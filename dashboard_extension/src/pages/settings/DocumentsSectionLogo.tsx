import { Box, Button, Text } from "@saleor/macaw-ui";
import { useEffect, useId, useRef, useState, type ChangeEvent } from "react";

import { isTokenRefusal } from "../../api/client";
import { useNotify } from "../../bridge/hooks";
import { useSession } from "../../bridge/session";
import { useBridge } from "../../bridge/state";
import { useT } from "../../i18n/useT";

/** The API's limit on a logo's upload (`tenants.branding.LOGO_MAX_BYTES`). */
export const LOGO_MAX_BYTES = 512 * 1024;
export const LOGO_TYPES = ["image/png", "image/jpeg"] as const;

/** Why a file cannot be the logo, checked before it is sent: not PNG or JPEG, or over 512 KB; null when fine. */
export function logoFileProblem(file: { type: string; size: number }): "type" | "size" | null {
  if (!(LOGO_TYPES as readonly string[]).includes(file.type)) {
    return "type";
  }
  return file.size > LOGO_MAX_BYTES ? "size" : null;
}

/** The logo's URL after `PUT` / `DELETE /api/shop/logo`, the API's refusal's message, or `expired` when the
 * API refused the token (401 EXPIRED_TOKEN / INVALID_TOKEN). */
export async function sendLogo(
  token: string,
  file: File | null,
): Promise<{ logoUrl: string | null } | { refused: string } | { expired: true }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (file) {
    headers["Content-Type"] = file.type;
  }
  const response = await fetch(new URL("/api/shop/logo", window.location.origin).toString(), {
    method: file ? "PUT" : "DELETE",
    headers,
    body: file ?? undefined,
  });
  if (await isTokenRefusal(response)) {
    return { expired: true };
  }
  const body = (await response.json().catch(() => null)) as {
    logoUrl?: string | null;
    errors?: { message?: string }[];
  } | null;
  if (!response.ok || !body || body.errors) {
    return { refused: body?.errors?.[0]?.message ?? `${response.status} ${response.statusText}` };
  }
  return { logoUrl: body.logoUrl ?? null };
}

/** The shop's logo: shown, replaced by a PNG or JPEG upload, or removed. `onChanged` reads the settings again. */
export function LogoField({ logoUrl, onChanged }: { logoUrl: string | null; onChanged: () => void }) {
  const t = useT();
  const notify = useNotify();
  const { state: bridge } = useBridge();
  const { markExpired } = useSession();
  const inputId = useId();
  const helpId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [shown, setShown] = useState(logoUrl);
  useEffect(() => setShown(logoUrl), [logoUrl]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const refuse = (message: string) => {
    setError(message);
    notify.error(t("doc.logoRefused"), message);
  };
  const send = async (file: File | null) => {
    if (!bridge?.token) {
      return;
    }
    setBusy(true);
    try {
      const answer = await sendLogo(bridge.token, file);
      if ("expired" in answer) {
        markExpired();
        return;
      }
      if ("refused" in answer) {
        refuse(answer.refused);
        return;
      }
      setError(null);
      setShown(answer.logoUrl);
      notify.success(t(file ? "doc.logoUploaded" : "doc.logoRemoved"));
      onChanged();
    } catch (failed) {
      refuse(failed instanceof Error ? failed.message : String(failed));
    } finally {
      setBusy(false);
      if (input.current) {
        input.current.value = "";
      }
    }
  };
  const chosen = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) {
      return;
    }
    const problem = logoFileProblem(file);
    if (problem) {
      refuse(problem === "type" ? t("doc.logoType") : t("doc.logoSize", { size: Math.ceil(file.size / 1024) }));
      event.target.value = "";
      return;
    }
    void send(file);
  };

  return (
    <Box display="flex" flexDirection="column" gap={2} data-field="logo">
      <Text as="h3" size={5} fontWeight="bold">
        {t("doc.logo")}
      </Text>
      {shown ? (
        <Box>
          <img
            src={shown}
            alt={t("doc.logoAlt")}
            data-logo
            style={{ maxWidth: 300, maxHeight: 100, background: "#ffffff", padding: 4, borderRadius: 4 }}
          />
        </Box>
      ) : (
        <Text data-logo-none>{t("doc.logoNone")}</Text>
      )}
      <Box display="flex" flexDirection="column" gap={1}>
        <label htmlFor={inputId}>
          <Text size={2}>{t("doc.logoFile")}</Text>
        </label>
        <input
          ref={input}
          id={inputId}
          type="file"
          name="logo"
          accept={LOGO_TYPES.join(",")}
          disabled={busy || !bridge?.token}
          aria-invalid={Boolean(error)}
          aria-describedby={helpId}
          onChange={chosen}
        />
        {error ? (
          <Text id={helpId} size={2} color="critical1" role="alert" data-logo-error>
            {error}
          </Text>
        ) : (
          <Text id={helpId} size={2}>
            {t("doc.logoHelp")}
          </Text>
        )}
      </Box>
      {shown && (
        <Box>
          <Button type="button" variant="secondary" disabled={busy} data-action="remove-logo" onClick={() => void send(null)}>
            {t("doc.logoRemove")}
          </Button>
        </Box>
      )}
    </Box>
  );
}
