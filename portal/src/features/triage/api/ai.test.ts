import { describe, expect, it } from "vitest";

import { confidenceText } from "./ai";

describe("prediction texts", () => {
  it("labels confidences", () => {
    expect(confidenceText(0.876)).toBe("88%");
    expect(confidenceText(null)).toBe("—");
  });
});
