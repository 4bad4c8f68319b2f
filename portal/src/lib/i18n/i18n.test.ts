import { afterEach, describe, expect, it } from "vitest";

import { remainingText, statusLabel } from "@/lib/format";

import de from "@/locales/de/translation.json";
import en from "@/locales/en/translation.json";

import { applyLocale, formatDate, formatNumber, i18n } from "./index";
import { pickLocale } from "./locale";

afterEach(() => {
  void i18n.changeLanguage("en");
});

describe("pickLocale", () => {
  it("prefers the saved locale over the browser's", () => {
    expect(pickLocale("de", ["en-US"])).toBe("de");
    expect(pickLocale("en", ["de-DE"])).toBe("en");
  });

  it("follows the browser's first supported language when nothing is saved", () => {
    expect(pickLocale("", ["fr-FR", "de-AT", "en"])).toBe("de");
    expect(pickLocale(null, ["de_CH"])).toBe("de");
  });

  it("falls back to English for unsupported choices", () => {
    expect(pickLocale("xx", ["fr", "ja"])).toBe("en");
    expect(pickLocale(undefined, [])).toBe("en");
  });
});

describe("translations", () => {
  it("switch to the saved locale and pluralise per language", () => {
    applyLocale("de");
    expect(i18n.language).toBe("de");
    expect(i18n.t("tickets.count", { count: 1 })).toBe("1 Ticket");
    expect(i18n.t("tickets.count", { count: 3 })).toBe("3 Tickets");
    expect(statusLabel("pending")).toBe("Wartet auf Ihre Antwort");
    expect(remainingText(-25)).toBe("25 min überfällig");
    applyLocale("en");
    expect(i18n.t("tickets.count", { count: 1 })).toBe("1 ticket");
    expect(i18n.t("tickets.count", { count: 0 })).toBe("0 tickets");
    expect(remainingText(65)).toBe("1 h 05 min left");
  });

  it("format numbers and dates with the locale's conventions", () => {
    applyLocale("de");
    expect(formatNumber(12345.6)).toBe("12.345,6");
    expect(formatDate("2026-03-05T12:00:00Z", { day: "numeric", month: "long", timeZone: "UTC" })).toBe("5. März");
    applyLocale("en");
    expect(formatNumber(12345.6)).toBe("12,345.6");
  });

  it("German has every key English has", () => {
    const flat = (tree: object, prefix = ""): string[] =>
      Object.entries(tree).flatMap(([key, value]) =>
        typeof value === "object" ? flat(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
      );
    expect(flat(de).sort()).toEqual(flat(en).sort());
  });
});
