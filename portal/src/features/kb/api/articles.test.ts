import { describe, expect, it } from "vitest";

import { canDraftArticle } from "./articles";

describe("drafting an article from a ticket", () => {
  it("is offered only once the ticket is solved or closed", () => {
    expect(canDraftArticle("solved")).toBe(true);
    expect(canDraftArticle("closed")).toBe(true);
    expect(canDraftArticle("open")).toBe(false);
    expect(canDraftArticle("pending")).toBe(false);
  });
});
