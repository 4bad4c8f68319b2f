// Who is signed in on this tenant host: one query every part of the app shares.
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type Me = Schemas["MeOut"];

export const STAFF_ROLES = ["owner", "admin", "agent"] as const;

export function isStaff(me: Me | null | undefined): boolean {
  return !!me?.role && (STAFF_ROLES as readonly string[]).includes(me.role);
}

/** Where a signed-in person starts: agents in the workspace, customers in the portal. */
export function homePath(me: Me | null | undefined): string {
  if (!me) return "/login";
  return isStaff(me) ? "/agent" : "/portal";
}

/** Where a ticket opens for this person: the workspace for staff, the portal for customers. */
export function ticketPath(me: Me | null | undefined, ticketId: number): string {
  return isStaff(me) ? `/agent/tickets/${ticketId}` : `/portal/tickets/${ticketId}`;
}

export async function fetchMe(): Promise<Me | null> {
  // `/auth/session` answers 200 whether or not someone is signed in, so an anonymous page
  // load logs no failed request in the console (`/auth/me` would answer 401).
  const session = unwrap(await api.GET("/api/v1/auth/session"));
  return session.signed_in ? (session.me ?? null) : null;
}

export const meQueryKey = ["session", "me"] as const;

export const meQueryOptions = queryOptions({
  queryKey: meQueryKey,
  queryFn: fetchMe,
  staleTime: 60_000,
});

export function useMe() {
  return useQuery(meQueryOptions);
}
