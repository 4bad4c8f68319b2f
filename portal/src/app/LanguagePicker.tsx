// The header's language choice: saved on the profile (PATCH /auth/me), so the portal and the
// mails this person gets speak it.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";

import { api, unwrap } from "@/api/client";
import { SUPPORTED_LOCALES, applyLocale, type Locale } from "@/lib/i18n";
import { meQueryKey, useMe } from "@/lib/session";

async function saveLocale(locale: Locale) {
  return unwrap(await api.PATCH("/api/v1/auth/me", { body: { locale } }));
}

/** Keeps i18next on the signed-in person's saved locale (or the browser's). */
export function useSavedLocale(): void {
  const saved = useMe().data?.locale;
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
      onChange={(event) => save.mutate(event.target.value as Locale)}
    >
      {SUPPORTED_LOCALES.map((locale) => (
        <option key={locale} value={locale}>
          {t(`languages.${locale}`)}
        </option>
      ))}
    </select>
  );
}
