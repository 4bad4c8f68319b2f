// The tenant whose host this is: its branding is fetched before anything else renders, applied to
// the document, and handed to the pages that show it (the frame, sign-in, sign-up).
import { createContext, useContext, type ReactNode } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { useBranding, type Branding } from "@/features/branding/api/tenant";
import { useApplyBranding } from "@/features/branding/components/useApplyBranding";

const TenantContext = createContext<Branding | null>(null);

export function TenantGate({ children }: { children: ReactNode }) {
  const branding = useBranding();
  useApplyBranding(branding.data);
  if (branding.isPending) return <Loading />;
  if (branding.isError) {
    return (
      <main className="content">
        <ErrorMessage error={branding.error} onRetry={() => void branding.refetch()} />
      </main>
    );
  }
  return <TenantContext.Provider value={branding.data}>{children}</TenantContext.Provider>;
}

export function useTenant(): Branding {
  const tenant = useContext(TenantContext);
  if (!tenant) throw new Error("useTenant() is used outside <TenantGate>");
  return tenant;
}
