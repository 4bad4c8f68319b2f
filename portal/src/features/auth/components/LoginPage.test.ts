import { describe, expect, it } from "vitest";

import { safeNext } from "./LoginPage";

describe("safeNext", () => {
  it("accepts same-site paths only", () => {
    expect(safeNext("/agent")).toBe("/agent");
    expect(safeNext("//evil.example/x")).toBeNull();
    expect(safeNext("https://evil.example")).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});
