// The portal's translations (i18next + react-i18next). Strings live in src/locales/<lang>/
// translation.json under "<area>.<name>" keys; components call `const { t } = useTranslation()`.
// See docs/development/portal.md, "Translations".
import i18next from "i18next";
import { initReactI18next } from "react-i18next";

import de from "@/locales/de/translation.json";
import en from "@/locales/en/translation.json";

import { DEFAULT_LOCALE, browserLanguages, pickLocale, type Locale } from "./locale";

export { SUPPORTED_LOCALES, pickLocale, type Locale } from "./locale";

export const i18n = i18next.createInstance();

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, de: { translation: de } },
  lng: pickLocale(null, browserLanguages()),
  fallbackLng: DEFAULT_LOCALE,
  supportedLngs: ["en", "de"],
  // React escapes already; i18next escaping would double-escape.
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** Switch to the signed-in person's saved locale ("" or null: the browser's). */
export function applyLocale(saved: string | null | undefined): Locale {
  const locale = pickLocale(saved, browserLanguages());
  if (i18n.language !== locale) void i18n.changeLanguage(locale);
  if (typeof document !== "undefined") document.documentElement.lang = locale;
  return locale;
}

/** Numbers and dates in the active language, via Intl (12.345,6 in German). */
export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(i18n.language, options).format(value);
}

export function formatDate(value: Date | string, options?: Intl.DateTimeFormatOptions): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  return new Intl.DateTimeFormat(i18n.language, options ?? { dateStyle: "medium" }).format(date);
}
