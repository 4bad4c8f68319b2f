// Two-factor sign-in: status, set-up (signed in, or with a login challenge), turning it off,
// new recovery codes, and the desk's "required for staff" policy.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";

export type Enrolment = Schemas["EnrolmentOut"];
export type TwoFactorStatus = Schemas["TwoFactorStatusOut"];

const statusKey = ["two-factor", "status"] as const;
const policyKey = ["two-factor", "policy"] as const;

export function useTwoFactorStatus() {
  return useQuery({
    queryKey: statusKey,
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/2fa")),
  });
}

export function useEnrolStart() {
  return useMutation({
    mutationFn: async (challenge: string | null) =>
      unwrap(await api.POST("/api/v1/auth/2fa/enrol", { body: { challenge } })),
  });
}

export function useEnrolConfirm() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["EnrolConfirmIn"]) =>
      unwrap(await api.POST("/api/v1/auth/2fa/confirm", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: statusKey }),
  });
}

export function useTwoFactorDisable() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas["TwoFactorDisableIn"]) =>
      unwrap(await api.POST("/api/v1/auth/2fa/disable", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: statusKey }),
  });
}

export function useRecoveryCodesRegenerate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (code: string) =>
      unwrap(await api.POST("/api/v1/auth/2fa/recovery-codes", { body: { code } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: statusKey }),
  });
}

export function useSecurityPolicy(enabled: boolean) {
  return useQuery({
    queryKey: policyKey,
    queryFn: async () => unwrap(await api.GET("/api/v1/tenant/security")),
    enabled,
  });
}

export function useSecurityPolicySet() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (required: boolean) =>
      unwrap(await api.PUT("/api/v1/tenant/security", { body: { two_factor_required_for_staff: required } })),
    onSuccess: (policy) => {
      queryClient.setQueryData(policyKey, policy);
      return queryClient.invalidateQueries({ queryKey: statusKey });
    },
  });
}
