// What a realtime message means for the cached REST data: which queries to refetch.
// Lives in the app layer because it knows every feature's query keys.
import type { QueryClient, QueryKey } from "@tanstack/react-query";

import { RESYNC, WELCOME, type RealtimeClient, type RealtimeMessage } from "@/lib/realtime/client";

// Everything the socket keeps fresh; refetched wholesale on resync or after a gap.
export const LIVE_QUERY_ROOTS: QueryKey[] = [["inbox"], ["workspace-ticket"], ["tickets"], ["notifications"], ["csat"]];

/** The query keys an event makes stale (only active queries refetch; the rest on next use). */
export function staleKeys(message: RealtimeMessage, resumed: boolean): QueryKey[] {
  if (message.type === RESYNC || (message.type === WELCOME && !resumed)) return LIVE_QUERY_ROOTS;
  if (message.id === null) return [];
  const [kind] = message.type.split(".", 1);
  const ticketId = typeof message.subject_id === "number" ? message.subject_id : null;
  switch (kind) {
    case "notification":
      return [["notifications"]];
    case "ticket":
    case "message":
    case "sla":
      return ticketId === null
        ? [["inbox"], ["tickets"]]
        : [["inbox"], ["workspace-ticket", ticketId], ["tickets"]];
    case "csat":
      return ticketId === null ? [["csat"]] : [["csat", ticketId], ["workspace-ticket", ticketId]];
    default:
      return [];
  }
}

/** Coalesces invalidations: a burst of events becomes one refetch per query, and while a wave
 * of refetches runs, newer events wait for it and then start one more wave. (Invalidating on
 * every event would cancel and restart the inbox fetch forever on a busy tenant.) */
export class Invalidator {
  private readonly pending = new Map<string, QueryKey>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;

  constructor(
    private readonly queryClient: QueryClient,
    private readonly delayMs = 250,
  ) {}

  add(keys: QueryKey[]): void {
    for (const key of keys) this.pending.set(JSON.stringify(key), key);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.running || !this.pending.size) return;
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const keys = [...this.pending.values()];
    this.pending.clear();
    this.running = true;
    try {
      await Promise.allSettled(
        keys.map((queryKey) => this.queryClient.invalidateQueries({ queryKey }, { cancelRefetch: false })),
      );
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}

export function applyRealtimeMessage(invalidator: Invalidator, message: RealtimeMessage, client: RealtimeClient): void {
  const keys = staleKeys(message, client.resumed);
  if (keys.length) invalidator.add(keys);
}
