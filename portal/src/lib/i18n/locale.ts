// Which language the portal speaks: the user's saved locale, else the browser's first
// supported one, else English. Pure, so the rule is tested without i18next.
export const SUPPORTED_LOCALES = ["en", "de"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

function supported(tag: string | null | undefined): Locale | null {
  const base = (tag ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  return (SUPPORTED_LOCALES as readonly string[]).includes(base) ? (base as Locale) : null;
}

/** `saved` is the profile's `locale` ("" = not chosen); `browser` is navigator.languages. */
export function pickLocale(saved: string | null | undefined, browser: readonly string[] = []): Locale {
  const fromProfile = supported(saved);
  if (fromProfile) return fromProfile;
  for (const tag of browser) {
    const match = supported(tag);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

export function browserLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}
