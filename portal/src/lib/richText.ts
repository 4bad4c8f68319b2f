// Helpers of the rich text editor that need no React: link addresses and the plain text of
// edited HTML (for "is it empty?" and for live article suggestions while the customer types).

const BLOCKS = new Set(["P", "DIV", "LI", "UL", "OL", "BR", "BLOCKQUOTE", "H1", "H2", "H3", "PRE"]);

/** The text of an edited element, with a line break around block elements (jsdom has no innerText). */
export function plainText(root: Node): string {
  const parts: string[] = [];
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      parts.push(node.textContent ?? "");
      return;
    }
    const block = node.nodeType === Node.ELEMENT_NODE && BLOCKS.has((node as Element).tagName);
    if (block) parts.push("\n");
    node.childNodes.forEach(walk);
    if (block) parts.push("\n");
  };
  root.childNodes.forEach(walk);
  return parts
    .join("")
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{2,}/g, "\n")
    .trim();
}

/** A link address an agent or customer typed, made absolute; null for anything but web and mail links
 *  (core drops other schemes too; refusing here says why instead of losing the link silently). */
export function linkAddress(typed: string): string | null {
  const value = typed.trim();
  if (!value || /\s/.test(value)) return null;
  if (/^(https?:\/\/|mailto:)/i.test(value)) return value;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[^:]+\.[a-z]{2,}(:\d+)?(\/|$)/i.test(value)) return null;
  if (/^[^@/]+@[^@/]+\.[a-z]{2,}$/i.test(value)) return `mailto:${value}`;
  return /^[^/]+\.[a-z]{2,}/i.test(value) ? `https://${value}` : null;
}

/** Escapes text for use inside HTML (the link text of a link inserted at a collapsed cursor). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Moves lists out of the paragraphs Chromium builds them in (`<p><ul>…</ul></p>` is invalid HTML,
 *  which the sanitizer would split into empty paragraphs around the list); drops a paragraph
 *  left with nothing in it. The caller restores the caret: the moved nodes stay the same. */
export function liftListsOutOfParagraphs(root: HTMLElement) {
  for (const list of Array.from(root.querySelectorAll("p > ul, p > ol"))) {
    const paragraph = list.parentElement!;
    const after = Array.from(paragraph.childNodes).slice(Array.from(paragraph.childNodes).indexOf(list) + 1);
    paragraph.after(list);
    if (after.some((n) => (n.textContent ?? "").trim())) {
      const rest = document.createElement("p");
      rest.append(...after);
      list.after(rest);
    } else {
      after.forEach((n) => n.remove());
    }
    if (!(paragraph.textContent ?? "").trim()) paragraph.remove();
  }
}
