// Everything the pages run inside, outside the router: the error boundary, the query client,
// the signed-in person's session and realtime socket, and the tenant's branding.
import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";

import { ApiError } from "@/api/client";
import { ErrorBoundary } from "@/components/ErrorBoundary";
import { ErrorMessage } from "@/components/ErrorMessage";
import type { RealtimeClient, RealtimeMessage } from "@/lib/realtime/client";
import { RealtimeProvider, useRealtimeStatus } from "@/lib/realtime/RealtimeProvider";
import { useMe } from "@/lib/session";

import { useSavedLocale } from "./LanguagePicker";
import { Invalidator, applyRealtimeMessage } from "./liveUpdates";
import { TenantGate } from "./tenant";

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // 4xx answers are final (retrying a 403 or 404 only delays the message).
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

/** The socket's state on <html data-realtime=…>: for styling, debugging and the browser tests. */
function RealtimeStatusMarker() {
  const status = useRealtimeStatus();
  useEffect(() => {
    document.documentElement.dataset.realtime = status;
  }, [status]);
  return null;
}

/** Who is signed in (asked at once, beside the branding: one round trip less), and that person's
 * realtime socket, whose events refresh the cached REST data. */
function Session({ children }: { children: ReactNode }) {
  useSavedLocale();
  const signedIn = !!useMe().data?.membership_id;
  const queryClient = useQueryClient();
  const invalidator = useMemo(() => new Invalidator(queryClient), [queryClient]);
  const onMessage = useCallback(
    (message: RealtimeMessage, client: RealtimeClient) => applyRealtimeMessage(invalidator, message, client),
    [invalidator],
  );
  return (
    <RealtimeProvider enabled={signedIn} onMessage={onMessage}>
      <RealtimeStatusMarker />
      {children}
    </RealtimeProvider>
  );
}

/** Nothing rendered at all: say so, and offer a reload (it fetches the code and data afresh). */
function AppError({ error }: { error: unknown }) {
  return (
    <main className="content">
      <ErrorMessage error={error} onRetry={() => window.location.reload()} />
    </main>
  );
}

export function AppProvider({ children, queryClient }: { children: ReactNode; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? makeQueryClient());
  return (
    <ErrorBoundary fallback={(error) => <AppError error={error} />}>
      <QueryClientProvider client={client}>
        <Session>
          <TenantGate>{children}</TenantGate>
        </Session>
      </QueryClientProvider>
    </ErrorBoundary>
  );
}
