// The application: providers, tenant branding, and the routes of both areas.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";

import { ApiError } from "@/api/client";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { ticketPath, useMe } from "@/lib/session";
import { LoginPage } from "@/features/auth/components/LoginPage";
import { useBranding } from "@/features/branding/api/tenant";
import { useApplyBranding } from "@/features/branding/components/useApplyBranding";
import { recordSubmitted } from "@/features/kb/api/kb";
import { ArticlePage } from "@/features/kb/components/ArticlePage";
import { ArticleSuggestions } from "@/features/kb/components/ArticleSuggestions";
import { HelpCenter } from "@/features/kb/components/HelpCenter";
import { KbSearchPage } from "@/features/kb/components/KbSearchPage";
import { NotificationsPage } from "@/features/notifications/components/NotificationsPage";
import { InboxPage } from "@/features/inbox/components/InboxPage";
import { TicketWorkspace } from "@/features/inbox/components/TicketWorkspace";
import { MyTickets } from "@/features/tickets/components/MyTickets";
import { NewTicket } from "@/features/tickets/components/NewTicket";
import { TicketConversation } from "@/features/tickets/components/TicketConversation";
import { TeamOverview } from "@/features/workspace/components/TeamOverview";

import { NotFound } from "./NotFound";
import { ReportsPage } from "./ReportsPage";
import { HomeRedirect, RequireRole } from "./RequireRole";
import { Shell } from "./Shell";

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
        <Route path="login" element={<LoginPage tenantName={tenant.title} />} />
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
          <Route path="tickets/:ticketId" element={customer(<TicketConversation />)} />
        </Route>
        <Route path="help">
          <Route index element={<HelpCenter />} />
          <Route path="search" element={<KbSearchPage />} />
          <Route path="articles/:slug" element={<ArticlePage />} />
        </Route>
        <Route path="agent">
          <Route index element={<Navigate to="/agent/inbox/mine" replace />} />
          <Route path="inbox" element={<Navigate to="/agent/inbox/mine" replace />} />
          <Route path="inbox/:view" element={staff(<InboxPage />)} />
          <Route path="tickets/:ticketId" element={staff(<TicketWorkspace />)} />
          <Route path="teams" element={staff(<TeamOverview />)} />
          <Route path="reports" element={staff(<ReportsPage />)} />
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

export function App({ queryClient = makeQueryClient() }: { queryClient?: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routed />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
