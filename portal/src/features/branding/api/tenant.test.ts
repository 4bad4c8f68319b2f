import { describe, expect, it } from "vitest";

import { brandingOf } from "./tenant";

describe("brandingOf", () => {
  it("uses the tenant name when no portal title is set", () => {
    const b = brandingOf({ slug: "acme", name: "Acme Corporation", branding: {}, signup_allowed: true });
    expect(b).toEqual({
      name: "Acme Corporation",
      title: "Acme Corporation",
      logoUrl: null,
      primaryColor: null,
      accentColor: null,
      signupAllowed: true,
    });
  });

  it("keeps valid branding and drops unsafe colours", () => {
    const b = brandingOf({
      slug: "acme",
      name: "Acme",
      signup_allowed: false,
      branding: { portal_title: "Acme Help", primary_color: "#123456", accent_color: "url(evil)" },
    });
    expect(b.title).toBe("Acme Help");
    expect(b.primaryColor).toBe("#123456");
    expect(b.accentColor).toBeNull();
  });
});
