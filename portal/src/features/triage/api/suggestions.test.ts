import { describe, expect, it } from "vitest";

import { similarQuery } from "./suggestions";

describe("similarQuery", () => {
  it("ors the subject's longer words", () => {
    expect(similarQuery("Printer on fire, printer!")).toBe("printer or fire");
    expect(similarQuery("a b")).toBe("");
  });
});
