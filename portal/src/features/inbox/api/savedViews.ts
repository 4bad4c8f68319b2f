// A member's saved inbox views: list, create, change (name and filters), delete; and the
// form state of a view's filters (the list's query parameters) in both directions.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

import { ACTIVE } from "./inbox";

export type SavedView = Schemas["SavedViewOut"];
type Filters = Record<string, unknown>;

const KEY = ["saved-views"] as const;

export function useSavedViews() {
  return useQuery({ queryKey: KEY, queryFn: async () => unwrap(await api.GET("/api/v1/saved-views")) });
}

export function useCreateSavedView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { name: string; filters: Filters }) =>
      unwrap(await api.POST("/api/v1/saved-views", { body: { ...input, position: 0 } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

export function useUpdateSavedView(viewId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (changes: { name?: string; filters?: Filters }) =>
      unwrap(await api.PATCH("/api/v1/saved-views/{view_id}", { params: { path: { view_id: viewId } }, body: changes })),
    // The view's rows are keyed by its filters, so a change of filters fetches the new list.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

export function useDeleteSavedView() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (viewId: number) =>
      unwrap(await api.DELETE("/api/v1/saved-views/{view_id}", { params: { path: { view_id: viewId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEY }),
  });
}

/** What the form edits. `state` "kept" and `assignee`/`team` values the form cannot show
 *  stand for filters saved another way (through the API): they are kept as they are. */
export type ViewForm = {
  name: string;
  state: "active" | "solved" | "any" | "kept";
  priorities: string[];
  assignee: string; // "" anyone, "me", "none", or a membership id
  team: string; // "" any, "none", or a team id
  tags: string;
};

const STATES: Record<"active" | "solved", string[]> = { active: ACTIVE, solved: ["solved", "closed"] };
const FORM_KEYS = ["status_category", "priority", "assignee", "team", "tag"];

const sameSet = (a: unknown, b: string[]) =>
  Array.isArray(a) && a.length === b.length && b.every((x) => a.includes(x));

export function formFromView(view: SavedView | null): ViewForm {
  const f = view?.filters ?? {};
  const state = f.status_category === undefined ? (view ? "any" : "active")
    : sameSet(f.status_category, STATES.active) ? "active"
    : sameSet(f.status_category, STATES.solved) || sameSet(f.status_category, ["solved"]) ? "solved"
    : "kept";
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === "string" ? [v] : []);
  return {
    name: view?.name ?? "",
    state,
    priorities: list(f.priority),
    assignee: typeof f.assignee === "string" ? f.assignee : "",
    team: typeof f.team === "string" || typeof f.team === "number" ? String(f.team) : "",
    tags: list(f.tag).join(", "),
  };
}

/** The filters to save: the form's fields over the view's other saved filters (kept as they are). */
export function filtersFromForm(form: ViewForm, saved: Filters = {}): Filters {
  const filters: Filters = Object.fromEntries(Object.entries(saved).filter(([k]) => !FORM_KEYS.includes(k)));
  if (form.state === "kept") filters.status_category = saved.status_category;
  else if (form.state !== "any") filters.status_category = STATES[form.state];
  if (form.priorities.length) filters.priority = form.priorities;
  if (form.assignee) filters.assignee = form.assignee;
  if (form.team) filters.team = form.team;
  const tags = [...new Set(form.tags.split(/[,\s]+/).map((t) => t.trim().toLowerCase()).filter(Boolean))];
  if (tags.length) filters.tag = tags;
  return filters;
}
