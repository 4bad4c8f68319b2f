import { describe, expect, it } from "vitest";

import { MAX_ATTACHMENT_BYTES, fileProblem } from "./attachments";

describe("fileProblem", () => {
  it("accepts ordinary files", () => {
    expect(fileProblem({ name: "screenshot.png", size: 2000 })).toBeNull();
  });
  it("refuses programs, empty and oversized files, saying which file", () => {
    expect(fileProblem({ name: "setup.EXE", size: 10 })).toMatch(/^setup.EXE: programs/);
    expect(fileProblem({ name: "a.txt", size: 0 })).toMatch(/empty/);
    expect(fileProblem({ name: "big.zip", size: MAX_ATTACHMENT_BYTES + 1 })).toMatch(/at most 25 MB/);
  });
});
