// Self-service accounts: customer sign-up (when the tenant allows it) and password reset by email.
import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";
import { meQueryKey } from "@/lib/session";

export type SignupInput = Schemas["SignupIn"];
export type SignupConfirmInput = Schemas["SignupConfirmIn"];
export type ResetConfirmInput = Schemas["ResetConfirmIn"];

async function withCsrf() {
  // The CSRF cookie must exist before the first unsafe request of a fresh visitor.
  unwrap(await api.GET("/api/v1/auth/csrf"));
}

/** Ask for an account: core mails a link (the answer is the same for a known address). */
export function useSignup() {
  return useMutation({
    mutationFn: async (input: SignupInput) => {
      await withCsrf();
      return unwrap(await api.POST("/api/v1/auth/signup", { body: input }));
    },
  });
}

/** The mailed link's page: create the account (with a password) or join with the existing one. */
export function useConfirmSignup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: SignupConfirmInput) => {
      await withCsrf();
      return unwrap(await api.POST("/api/v1/auth/signup/confirm", { body: input }));
    },
    onSuccess: (me) => {
      queryClient.setQueryData(meQueryKey, me);
    },
  });
}

export function useRequestReset() {
  return useMutation({
    mutationFn: async (email: string) => {
      await withCsrf();
      return unwrap(await api.POST("/api/v1/auth/password-reset", { body: { email } }));
    },
  });
}

export function useConfirmReset() {
  return useMutation({
    mutationFn: async (input: ResetConfirmInput) => {
      await withCsrf();
      unwrap(await api.POST("/api/v1/auth/password-reset/confirm", { body: input }));
    },
  });
}

/** Client-side check before asking core (core validates again, with its password rules). */
export function passwordProblem(password: string, repeat: string): string | null {
  if (password.length < 10) return "Use at least 10 characters.";
  if (password !== repeat) return "The two passwords differ.";
  return null;
}
