import { describe, expect, it, vi } from "vitest";

import { isTypingTarget, shortcutFor } from "./shortcuts";

function key(k: string, target: unknown = { tagName: "BODY" }, extra: Partial<KeyboardEvent> = {}) {
  return { key: k, target, ctrlKey: false, metaKey: false, altKey: false, defaultPrevented: false, ...extra } as unknown as KeyboardEvent;
}

describe("shortcuts", () => {
  it("ignores keys typed into fields and browser commands", () => {
    expect(isTypingTarget(key("j", { tagName: "TEXTAREA" }))).toBe(true);
    expect(isTypingTarget(key("j", { tagName: "INPUT", type: "text" }))).toBe(true);
    expect(isTypingTarget(key("j", { tagName: "SELECT" }))).toBe(true);
    expect(isTypingTarget(key("j", { tagName: "DIV", isContentEditable: true }))).toBe(true);
    expect(isTypingTarget(key("r", { tagName: "BODY" }, { ctrlKey: true }))).toBe(true);
    expect(isTypingTarget(key("x", { tagName: "INPUT", type: "checkbox" }))).toBe(false);
    expect(isTypingTarget(key("j", { tagName: "A" }))).toBe(false);
  });

  it("finds the handler of a key, or none", () => {
    const j = vi.fn();
    expect(shortcutFor({ j }, key("j"))).toBe(j);
    expect(shortcutFor({ j }, key("k"))).toBeNull();
    expect(shortcutFor({ j }, key("j", { tagName: "TEXTAREA" }))).toBeNull();
    expect(shortcutFor({ j }, key("j", undefined, { defaultPrevented: true }))).toBeNull();
  });
});
