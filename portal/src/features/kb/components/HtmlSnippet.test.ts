import { describe, expect, it } from "vitest";

import { markedText } from "./HtmlSnippet";

describe("markedText", () => {
  it("splits marked matches from plain text and decodes entities", () => {
    expect(markedText("Reset your <mark>password</mark> &amp; log in")).toEqual([
      { text: "Reset your ", marked: false },
      { text: "password", marked: true },
      { text: " & log in", marked: false },
    ]);
  });
  it("never lets other tags through", () => {
    expect(markedText('<img src=x onerror="alert(1)">hi').map((p) => p.text).join("")).toBe("hi");
  });
});
