// @vitest-environment jsdom
import { describe, expect, it } from "vitest";

import { escapeHtml, liftListsOutOfParagraphs, linkAddress, plainText } from "./richText";

function html(markup: string): HTMLElement {
  const div = document.createElement("div");
  div.innerHTML = markup;
  return div;
}

describe("plainText", () => {
  it("keeps words apart across paragraphs, list items and line breaks", () => {
    expect(plainText(html("<p>Printer <b>on fire</b></p><ul><li>one</li><li>two</li></ul>line<br>next"))).toBe(
      "Printer on fire\none\ntwo\nline\nnext",
    );
  });
  it("is empty for what an emptied editor leaves behind", () => {
    expect(plainText(html("<p><br></p>"))).toBe("");
    expect(plainText(html("&nbsp; "))).toBe("");
  });
});

describe("linkAddress", () => {
  it("takes web and mail addresses, adding the scheme a person leaves out", () => {
    expect(linkAddress("https://example.com/a?b=1")).toBe("https://example.com/a?b=1");
    expect(linkAddress("example.com/help")).toBe("https://example.com/help");
    expect(linkAddress("help@example.com")).toBe("mailto:help@example.com");
    expect(linkAddress("example.com:8080/x")).toBe("https://example.com:8080/x");
  });
  it("refuses scripts, other schemes and non-addresses", () => {
    expect(linkAddress("javascript:alert(1)")).toBeNull();
    expect(linkAddress("data:text/html,hi")).toBeNull();
    expect(linkAddress("two words.com")).toBeNull();
    expect(linkAddress("hello")).toBeNull();
    expect(linkAddress("")).toBeNull();
  });
});

describe("escapeHtml", () => {
  it("escapes markup and quotes", () => {
    expect(escapeHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  });
});

describe("liftListsOutOfParagraphs", () => {
  it("moves a list out of its paragraph and drops the emptied paragraph", () => {
    // built node by node: the HTML parser itself would never nest a list in a paragraph
    const root = html("<p>Intro</p><p><br></p>");
    const list = document.createElement("ul");
    list.innerHTML = "<li>one</li>";
    root.lastElementChild!.replaceChildren(list);
    liftListsOutOfParagraphs(root);
    expect(root.innerHTML).toBe("<p>Intro</p><ul><li>one</li></ul>");
  });
  it("keeps text before the list in its paragraph and text after it in a new one", () => {
    const root = document.createElement("div");
    const p = document.createElement("p");
    const list = document.createElement("ol");
    list.innerHTML = "<li>a</li>";
    p.append("before", list, "after");
    root.append(p);
    liftListsOutOfParagraphs(root);
    expect(root.innerHTML).toBe("<p>before</p><ol><li>a</li></ol><p>after</p>");
  });
});
