// The header's language choice: saved on the profile (PATCH /auth/me), so the portal and the
// mails this person gets speak it.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";

import { ApiError, csrfToken, errorMessage } from "@/api/client";
import { SUPPORTED_LOCALES, applyLocale } from "@/lib/i18n";
import { meQueryKey, useMe } from "@/lib/session";

// `locale` is new on MeOut; the generated schema gains it when the lead regenerates it.
type WithLocale = { locale?: string };

async function saveLocale(locale: string): Promise<unknown> {
  const response = await fetch("/api/v1/auth/me", {
    method: "PATCH",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": await csrfToken() },
    body: JSON.stringify({ locale }),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, errorMessage(response.status, body));
  return body;
}

/** Keeps i18next on the signed-in person's saved locale (or the browser's). */
export function useSavedLocale(): void {
  const saved = (useMe().data as WithLocale | null | undefined)?.locale;
  useEffect(() => {
    applyLocale(saved);
  }, [saved]);
}

export function LanguagePicker() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: saveLocale,
    onSuccess: (me) => queryClient.setQueryData(meQueryKey, me),
  });
  return (
    <select
      aria-label={t("shell.language")}
      value={i18n.language}
      disabled={save.isPending}
      onChange={(event) => save.mutate(event.target.value)}
    >
      {SUPPORTED_LOCALES.map((locale) => (
        <option key={locale} value={locale}>
          {t(`languages.${locale}`)}
        </option>
      ))}
    </select>
  );
}
