// The agent's inbox views: fixed filters and the member's saved views over the tenant's tickets
// (keyset-paged), the SLA-at-risk queue, and bulk changes.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas, type StatusCategory, type TicketListParams } from "@/api/client";

export type AgentTicket = Schemas["TicketOut"];
export type BulkChanges = Omit<Schemas["BulkUpdateIn"], "ids">;

export type InboxView = "mine" | "unassigned" | "open" | "all";

export const ACTIVE: StatusCategory[] = ["new", "open", "pending", "on_hold"];

export type ListQuery = Pick<
  TicketListParams,
  "status_category" | "status" | "priority" | "assignee" | "team" | "tag" | "sort"
>;

export const VIEWS: Record<InboxView, { label: string; query: ListQuery }> = {
  mine: { label: "Mine", query: { status_category: ACTIVE, assignee: "me" } },
  unassigned: { label: "Unassigned", query: { status_category: ACTIVE, assignee: "none" } },
  open: { label: "All open", query: { status_category: ACTIVE } },
  all: { label: "All", query: {} },
};

/** The view in the address: a fixed view, "sla" (at risk), or "saved-<id>". */
export type ViewRef = { kind: "fixed"; view: InboxView } | { kind: "sla" } | { kind: "saved"; id: number };

export function isInboxView(value: string | undefined): value is InboxView {
  return value !== undefined && Object.hasOwn(VIEWS, value);
}

export function parseViewRef(value: string | undefined): ViewRef {
  if (value === "sla") return { kind: "sla" };
  const saved = /^saved-(\d+)$/.exec(value ?? "");
  if (saved) return { kind: "saved", id: Number(saved[1]) };
  return { kind: "fixed", view: isInboxView(value) ? value : "mine" };
}

/** A saved view's stored filters as list query parameters (unknown keys dropped). */
export function savedQuery(filters: Record<string, unknown>): ListQuery {
  const query: ListQuery = {};
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);
  // Core validated the stored filters when the view was saved (enum values included).
  const lists = query as Record<string, string[] | string>;
  for (const key of ["status_category", "status", "priority", "tag"] as const) {
    const values = list(filters[key]);
    if (values.length) lists[key] = values;
  }
  for (const key of ["assignee", "team", "sort"] as const) {
    const value = filters[key];
    if (typeof value === "string" && value) lists[key] = value;
  }
  return query;
}

const PAGE_SIZE = 25;

export function inboxQueryKey(view: string) {
  return ["inbox", view] as const;
}

export function useInbox(key: string, query: ListQuery | null) {
  return useInfiniteQuery({
    queryKey: [...inboxQueryKey(key), query],
    initialPageParam: null as string | null,
    enabled: query !== null,
    queryFn: async ({ pageParam }) => {
      const page = unwrap(
        await api.GET("/api/v1/tickets", {
          params: { query: { ...(query ?? {}), cursor: pageParam, limit: PAGE_SIZE } },
        }),
      );
      // Staff always get the staff shape of a ticket.
      return { items: page.items as AgentTicket[], next_cursor: page.next_cursor };
    },
    getNextPageParam: (page) => page.next_cursor,
  });
}

export function useAtRisk(enabled: boolean) {
  return useQuery({
    queryKey: inboxQueryKey("sla"),
    queryFn: async () => unwrap(await api.GET("/api/v1/sla/at-risk", { params: { query: { within_minutes: 120, limit: 100 } } })),
    enabled,
    refetchInterval: 60_000,
  });
}

export const BULK_LIMIT = 100;

/** Toggle one id in a selection that never grows past `limit`; returns the same set if full. */
export function toggleSelected(selected: ReadonlySet<number>, id: number, limit = BULK_LIMIT): Set<number> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else if (next.size < limit) next.add(id);
  return next;
}

/** Select or clear every id shown (up to `limit` in all). */
export function toggleAll(selected: ReadonlySet<number>, ids: number[], limit = BULK_LIMIT): Set<number> {
  if (ids.length > 0 && ids.every((id) => selected.has(id))) {
    const next = new Set(selected);
    ids.forEach((id) => next.delete(id));
    return next;
  }
  const next = new Set(selected);
  for (const id of ids) {
    if (next.size >= limit) break;
    next.add(id);
  }
  return next;
}

export type BulkForm = {
  status: string;
  priority: string;
  assignee: string; // "" unchanged, "none" unassign, or a membership id
  team: string; // "" unchanged, "none" clear, or a team id
  addTags: string;
  removeTags: string;
};

export const EMPTY_BULK_FORM: BulkForm = { status: "", priority: "", assignee: "", team: "", addTags: "", removeTags: "" };

function tagList(text: string): string[] {
  return [...new Set(text.split(/[,\s]+/).map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

/** The bulk API's change set for a filled-in form: only the fields the agent set. */
export function bulkChanges(form: BulkForm): BulkChanges {
  const changes: BulkChanges = {};
  if (form.status) changes.status = form.status;
  if (form.priority) changes.priority = form.priority;
  if (form.assignee) changes.assignee_id = form.assignee === "none" ? null : Number(form.assignee);
  if (form.team) changes.team_id = form.team === "none" ? null : Number(form.team);
  const add = tagList(form.addTags);
  const remove = tagList(form.removeTags);
  if (add.length) changes.add_tags = add;
  if (remove.length) changes.remove_tags = remove;
  return changes;
}

export function useBulkUpdate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { ids: number[]; changes: BulkChanges }) =>
      unwrap(await api.POST("/api/v1/tickets/bulk-update", { body: { ids: input.ids, ...input.changes } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["inbox"] }),
  });
}

export function useTeams() {
  return useQuery({
    queryKey: ["workspace-teams"],
    queryFn: async () => unwrap(await api.GET("/api/v1/teams")),
    staleTime: 5 * 60_000,
  });
}
