// Sign in and out with core's session API (CSRF cookie + X-CSRFToken header).
import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";
import { meQueryKey, type Me } from "@/lib/session";

export type Credentials = Schemas["LoginIn"];
export type Challenge = Schemas["TwoFactorChallengeOut"];

/** The password step's answer: signed in, or a second step (a code, or setting one up). */
export type LoginResult = { me: Me; challenge?: never } | { me?: never; challenge: Challenge };

export async function login(credentials: Credentials): Promise<LoginResult> {
  // Make sure the CSRF cookie exists before the first unsafe request.
  unwrap(await api.GET("/api/v1/auth/csrf"));
  const answer = unwrap(await api.POST("/api/v1/auth/login", { body: credentials }));
  return "challenge" in answer ? { challenge: answer } : { me: answer };
}

export async function loginCode(body: Schemas["LoginCodeIn"]): Promise<Me> {
  return unwrap(await api.POST("/api/v1/auth/login/code", { body }));
}

export async function logout(): Promise<void> {
  const result = await api.POST("/api/v1/auth/logout");
  // 401: the session had already ended; the person is signed out either way.
  if (result.response.status !== 401) unwrap(result);
}

// Queries that are the same for everybody on this host (the tenant's public branding).
const PUBLIC_QUERY_ROOTS = new Set<unknown>(["tenant"]);

/** Another person's cached data must never show after a sign-in. The session
 * query is updated in place (not removed) so the components watching it re-render. */
function forgetEverythingBut(queryClient: QueryClient, me: Me) {
  queryClient.setQueryData(meQueryKey, me);
  queryClient.removeQueries({
    predicate: (query) => query.queryKey[0] !== meQueryKey[0] && !PUBLIC_QUERY_ROOTS.has(query.queryKey[0]),
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (result) => {
      if (result.me) forgetEverythingBut(queryClient, result.me);
    },
  });
}

export function useLoginCode() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: loginCode,
    onSuccess: (me) => forgetEverythingBut(queryClient, me),
  });
}

/** After a sign-in that happened elsewhere (confirming a set-up with a challenge). */
export function useSignedIn() {
  const queryClient = useQueryClient();
  return (me: Me) => forgetEverythingBut(queryClient, me);
}

export function useLogout() {
  return useMutation({
    mutationFn: logout,
    onSuccess: () => {
      // A full page load: nothing of the signed-out person's data survives in memory.
      window.location.replace("/login");
    },
  });
}
