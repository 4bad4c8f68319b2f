import { describe, expect, it } from "vitest";

import { teamRoster, type Member } from "./people";

const member = (id: number, full_name: string): Member => ({
  id,
  user_id: id,
  email: `${id}@acme.test`,
  full_name,
  role: "agent",
  organization_id: null,
  active: true,
  deactivated_at: null,
  created_at: "2026-01-01T00:00:00Z",
});

describe("teamRoster", () => {
  it("joins member ids to people and skips unknown ids", () => {
    const roster = teamRoster(
      [{ id: 1, name: "Support", description: "", member_ids: [2, 9] }],
      [member(2, "Alice"), member(3, "Bob")],
    );
    expect(roster).toHaveLength(1);
    expect(roster[0]?.people.map((p) => p.full_name)).toEqual(["Alice"]);
  });
});
