import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { Invalidator, LIVE_QUERY_ROOTS, staleKeys } from "./liveUpdates";

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

describe("Invalidator", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("turns a burst of events into one refetch, and events during it into one more", async () => {
    const queryClient = new QueryClient();
    let release: () => void = () => undefined;
    const queryFn = vi.fn(() => new Promise<number>((resolve) => (release = () => resolve(1))));
    // an active, fresh query, as a mounted inbox list holds
    queryClient.setQueryData(["inbox", "all"], 0);
    const stop = new QueryObserver(queryClient, { queryKey: ["inbox", "all"], queryFn, staleTime: Infinity }).subscribe(
      () => undefined,
    );
    const invalidator = new Invalidator(queryClient, 250);

    for (let i = 0; i < 20; i++) invalidator.add([["inbox"]]);
    await vi.advanceTimersByTimeAsync(300);
    expect(queryFn).toHaveBeenCalledTimes(1);
    invalidator.add([["inbox"]]); // arrives while the refetch runs: waits for it, does not cancel it
    await vi.advanceTimersByTimeAsync(1000);
    expect(queryFn).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(300);
    expect(queryFn).toHaveBeenCalledTimes(2);
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(queryFn).toHaveBeenCalledTimes(2);
    stop();
  });
});
