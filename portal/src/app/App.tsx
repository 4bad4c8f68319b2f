// The application: providers, tenant branding, and the routes of both areas.
import { QueryClient, QueryClientProvider, useQueryClient } from "@tanstack/react-query";
import { Suspense, lazy, useCallback, useEffect, useMemo, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";

import { ApiError } from "@/api/client";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import type { RealtimeClient, RealtimeMessage } from "@/lib/realtime/client";
import { RealtimeProvider, useRealtimeStatus } from "@/lib/realtime/RealtimeProvider";
import { ticketPath, useMe } from "@/lib/session";
import { LoginPage } from "@/features/auth/components/LoginPage";
import { ForgotPasswordPage, ResetPasswordPage } from "@/features/auth/components/PasswordResetPages";
import { SignupPage } from "@/features/auth/components/SignupPage";
import { useBranding } from "@/features/branding/api/tenant";
import { useApplyBranding } from "@/features/branding/components/useApplyBranding";
import { recordSubmitted } from "@/features/kb/api/kb";
import { CsatPrompt } from "@/features/csat/components/CsatPrompt";
import { CsatResult } from "@/features/csat/components/CsatResult";
import { CollisionNotice } from "@/features/live/components/CollisionNotice";
import { ArticlePage } from "@/features/kb/components/ArticlePage";
import { ArticleSuggestions } from "@/features/kb/components/ArticleSuggestions";
import { HelpCenter } from "@/features/kb/components/HelpCenter";
import { KbSearchPage } from "@/features/kb/components/KbSearchPage";
import { NotificationsPage } from "@/features/notifications/components/NotificationsPage";
import { InboxPage } from "@/features/inbox/components/InboxPage";
import { MyTickets } from "@/features/tickets/components/MyTickets";
import { NewTicket } from "@/features/tickets/components/NewTicket";
import { TicketConversation } from "@/features/tickets/components/TicketConversation";
import { TeamOverview } from "@/features/workspace/components/TeamOverview";

import { Invalidator, applyRealtimeMessage } from "./liveUpdates";
import { NotFound } from "./NotFound";
import { HomeRedirect, RequireRole } from "./RequireRole";
import { Shell } from "./Shell";

// The reports dashboard carries the chart library: load it only when an agent opens it,
// so the customer portal and the inbox stay small.
const ReportsPage = lazy(() => import("./ReportsPage").then((module) => ({ default: module.ReportsPage })));
// The ticket view (composer, pickers, panels) is fetched when an agent first opens a ticket,
// while the inbox renders; the customer portal never loads it.
const loadTicketWorkspace = () => import("@/features/inbox/components/TicketWorkspace");
const TicketWorkspace = lazy(() => loadTicketWorkspace().then((module) => ({ default: module.TicketWorkspace })));

/** Fetches the ticket view's code once the inbox is up, so opening a ticket does not wait for it. */
function PrefetchTicketView() {
  useEffect(() => {
    const timer = window.setTimeout(() => void loadTicketWorkspace().catch(() => undefined), 1_000);
    return () => window.clearTimeout(timer);
  }, []);
  return null;
}

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

const customer = (page: ReactNode) => <RequireRole audience="customer">{() => page}</RequireRole>;
const staff = (page: ReactNode) => <RequireRole audience="staff">{() => page}</RequireRole>;

function Routed() {
  const branding = useBranding();
  // Ask who is signed in at the same time as the branding, not after it: one round trip less.
  useMe();
  useApplyBranding(branding.data);
  if (branding.isPending) return <Loading />;
  if (branding.isError) {
    return (
      <main className="content">
        <ErrorMessage error={branding.error} onRetry={() => void branding.refetch()} />
      </main>
    );
  }
  const tenant = branding.data;
  return (
    <Routes>
      <Route element={<Shell branding={tenant} />}>
        <Route index element={<HomeRedirect />} />
        <Route path="login" element={<LoginPage tenantName={tenant.title} signupAllowed={tenant.signupAllowed} />} />
        <Route path="signup" element={<SignupPage tenantName={tenant.title} allowed={tenant.signupAllowed} />} />
        <Route path="forgot-password" element={<ForgotPasswordPage />} />
        <Route path="reset-password" element={<ResetPasswordPage />} />
        <Route path="portal">
          <Route index element={customer(<MyTickets />)} />
          <Route
            path="new"
            element={customer(
              <NewTicket
                renderHelp={(draft, formSession) => <ArticleSuggestions draft={draft} formSession={formSession} />}
                onCreated={(formSession) => void recordSubmitted(formSession).catch(() => undefined)}
              />,
            )}
          />
          <Route
            path="tickets/:ticketId"
            element={customer(<TicketConversation renderSolved={(id) => <CsatPrompt ticketId={id} />} />)}
          />
        </Route>
        <Route path="help">
          <Route index element={<HelpCenter />} />
          <Route path="search" element={<KbSearchPage />} />
          <Route path="articles/:slug" element={<ArticlePage />} />
        </Route>
        <Route path="agent">
          <Route index element={<Navigate to="/agent/inbox/mine" replace />} />
          <Route path="inbox" element={<Navigate to="/agent/inbox/mine" replace />} />
          <Route
            path="inbox/:view"
            element={staff(
              <>
                <InboxPage />
                <PrefetchTicketView />
              </>,
            )}
          />
          <Route
            path="tickets/:ticketId"
            element={staff(
              <Suspense fallback={<Loading label="Loading the ticket…" />}>
                <TicketWorkspace
                  renderLive={(t) => (
                    <>
                      <CollisionNotice ticketId={t.id} />
                      <CsatResult ticketId={t.id} solved={t.status_category === "solved" || t.status_category === "closed"} />
                    </>
                  )}
                />
              </Suspense>,
            )}
          />
          <Route path="teams" element={staff(<TeamOverview />)} />
          <Route
            path="reports"
            element={staff(
              <Suspense fallback={<Loading label="Loading reports…" />}>
                <ReportsPage />
              </Suspense>,
            )}
          />
        </Route>
        <Route
          path="notifications"
          element={
            <RequireRole audience="anyone signed in">
              {(me) => <NotificationsPage ticketHref={(id) => ticketPath(me, id)} />}
            </RequireRole>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** The socket's state on <html data-realtime=…>: for styling, debugging and the browser tests. */
function RealtimeStatusMarker() {
  const status = useRealtimeStatus();
  useEffect(() => {
    document.documentElement.dataset.realtime = status;
  }, [status]);
  return null;
}

/** The signed-in person's realtime socket; its events refresh the cached REST data. */
function Live({ children }: { children: ReactNode }) {
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

export function App({ queryClient = makeQueryClient() }: { queryClient?: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Live>
          <Routed />
        </Live>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
