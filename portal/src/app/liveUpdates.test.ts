import { describe, expect, it } from "vitest";

import { LIVE_QUERY_ROOTS, staleKeys } from "./liveUpdates";

const event = (type: string, subject_id: number | null = 12) => ({ id: "5-0", type, data: {}, subject_id });

describe("staleKeys", () => {
  it("refreshes the lists and the open ticket on ticket and message events", () => {
    expect(staleKeys(event("message.added"), true)).toEqual([["inbox"], ["workspace-ticket", 12], ["tickets"]]);
    expect(staleKeys(event("ticket.created", null), true)).toEqual([["inbox"], ["tickets"]]);
  });
  it("refreshes the badge on a notification and the rating on csat", () => {
    expect(staleKeys(event("notification.created", null), true)).toEqual([["notifications"]]);
    expect(staleKeys(event("csat.received"), true)).toEqual([["csat", 12], ["workspace-ticket", 12]]);
  });
  it("refetches everything on resync, and after a connect that did not resume", () => {
    expect(staleKeys({ id: null, type: "realtime.resync", data: {} }, true)).toBe(LIVE_QUERY_ROOTS);
    expect(staleKeys({ id: null, type: "realtime.welcome", data: {} }, false)).toBe(LIVE_QUERY_ROOTS);
    expect(staleKeys({ id: null, type: "realtime.welcome", data: {} }, true)).toEqual([]);
  });
  it("ignores presence, heartbeats and unknown kinds", () => {
    expect(staleKeys({ id: null, type: "presence.changed", data: {} }, true)).toEqual([]);
    expect(staleKeys(event("kb.article_published"), true)).toEqual([]);
  });
});
