// The agent's inbox views: fixed filters over the tenant's tickets, keyset-paged.
import { useInfiniteQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type AgentTicket = Schemas["TicketOut"];

export type InboxView = "mine" | "unassigned" | "open" | "all";

const ACTIVE = ["new", "open", "pending", "on_hold"];

type ListQuery = { status_category?: string[]; assignee?: string };

export const VIEWS: Record<InboxView, { label: string; query: ListQuery }> = {
  mine: { label: "Mine", query: { status_category: ACTIVE, assignee: "me" } },
  unassigned: { label: "Unassigned", query: { status_category: ACTIVE, assignee: "none" } },
  open: { label: "All open", query: { status_category: ACTIVE } },
  all: { label: "All", query: {} },
};

export function isInboxView(value: string | undefined): value is InboxView {
  return value !== undefined && Object.hasOwn(VIEWS, value);
}

const PAGE_SIZE = 25;

export function inboxQueryKey(view: InboxView) {
  return ["inbox", view] as const;
}

export function useInbox(view: InboxView) {
  return useInfiniteQuery({
    queryKey: inboxQueryKey(view),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => {
      const page = unwrap(
        await api.GET("/api/v1/tickets", {
          params: { query: { ...VIEWS[view].query, cursor: pageParam, limit: PAGE_SIZE } },
        }),
      );
      // Staff always get the staff shape of a ticket.
      return { items: page.items as AgentTicket[], next_cursor: page.next_cursor };
    },
    getNextPageParam: (page) => page.next_cursor,
  });
}
