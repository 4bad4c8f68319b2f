// The tenant behind this host: its name and public branding (no sign-in needed).
import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap, type Schemas } from "@/api/client";
import { safeColor } from "@/lib/color";

export type Tenant = Schemas["TenantOut"];

export interface Branding {
  name: string;
  title: string;
  logoUrl: string | null;
  primaryColor: string | null;
  accentColor: string | null;
  /** Customers may create their own account (tenant setting). */
  signupAllowed: boolean;
}

export async function fetchTenant(): Promise<Tenant> {
  return unwrap(await api.GET("/api/v1/tenant"));
}

/** The branding the UI may use: unknown keys ignored, colours validated. */
export function brandingOf(tenant: Tenant): Branding {
  const raw = tenant.branding as Record<string, unknown>;
  const title = typeof raw.portal_title === "string" && raw.portal_title.trim() ? raw.portal_title : tenant.name;
  const logo = typeof raw.logo_url === "string" && raw.logo_url.trim() ? raw.logo_url : null;
  return {
    name: tenant.name,
    title,
    logoUrl: logo,
    primaryColor: safeColor(raw.primary_color),
    accentColor: safeColor(raw.accent_color),
    signupAllowed: tenant.signup_allowed,
  };
}

export const tenantQueryOptions = queryOptions({
  queryKey: ["tenant"],
  queryFn: fetchTenant,
  staleTime: 5 * 60_000,
  select: brandingOf,
});

export function useBranding() {
  return useQuery(tenantQueryOptions);
}
