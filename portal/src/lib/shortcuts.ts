// Keyboard shortcuts: single keys that act only when the person is not typing in a field.
import { useEffect, useRef } from "react";

export type ShortcutMap = Record<string, (event: KeyboardEvent) => void>;

/** True when a key press belongs to a text field (or a modifier makes it a browser command). */
export function isTypingTarget(event: Pick<KeyboardEvent, "target" | "ctrlKey" | "metaKey" | "altKey">): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target as HTMLElement | null;
  if (!target || typeof target.tagName !== "string") return false;
  const tag = target.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select" || target.isContentEditable) return true;
  if (tag !== "input") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
}

/** The handler for `event`, if any: keys are names as in `KeyboardEvent.key` ("j", "?", "/"). */
export function shortcutFor(map: ShortcutMap, event: KeyboardEvent): ((event: KeyboardEvent) => void) | null {
  if (event.defaultPrevented || isTypingTarget(event)) return null;
  return map[event.key] ?? null;
}

/** Listen on the document while mounted; the latest `map` is used without re-subscribing. */
export function useShortcuts(map: ShortcutMap, enabled = true) {
  const latest = useRef(map);
  useEffect(() => {
    latest.current = map;
  });
  useEffect(() => {
    if (!enabled) return;
    function onKey(event: KeyboardEvent) {
      const handler = shortcutFor(latest.current, event);
      if (handler) {
        event.preventDefault();
        handler(event);
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [enabled]);
}

export const SHORTCUT_HELP: [string, string][] = [
  ["j / k", "Next / previous ticket in the inbox"],
  ["o or Enter", "Open the highlighted ticket"],
  ["x", "Select the highlighted ticket (bulk actions)"],
  ["r", "Reply to the customer (ticket view)"],
  ["n", "Add an internal note (ticket view)"],
  ["/", "Search tickets"],
  ["?", "Show this help"],
  ["Esc", "Close this help"],
];
