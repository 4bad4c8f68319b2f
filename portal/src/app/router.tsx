// The portal's routes, both areas in one frame (Shell): who may open each page, and which module
// of src/app/routes renders it. A page that fails to render is reported inside the frame.
// (BrowserRouter, not createBrowserRouter: the portal loads no data through the router, and the
// data router would add some 50 kB to the first download.)
import { Suspense, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, createRoutesFromElements, useRoutes } from "react-router";

import { Loading } from "@/components/Loading";

import { HomeRedirect, RequireRole } from "./RequireRole";
import { Shell } from "./Shell";
import { InboxRoute } from "./routes/agent/inbox";
import { PrivacyRoute, ReportsRoute, TicketWorkspaceRoute } from "./routes/agent/lazy";
import { TeamOverview } from "./routes/agent/teams";
import { ForgotPasswordPage, LoginRoute, ResetPasswordPage, SignupConfirmRoute, SignupRoute } from "./routes/auth";
import { PageBoundary } from "./routes/error";
import { ArticlePage, HelpCenter, KbSearchPage } from "./routes/help";
import { NotFound } from "./routes/not-found";
import { NotificationsRoute } from "./routes/notifications";
import { MyTickets, NewTicketRoute, TicketConversationRoute } from "./routes/portal";
import { SecuritySettingsRoute } from "./routes/settings";

const customer = (page: ReactNode) => <RequireRole audience="customer">{() => page}</RequireRole>;
const staff = (page: ReactNode) => <RequireRole audience="staff">{() => page}</RequireRole>;

export const routes = createRoutesFromElements(
  <Route element={<Shell />}>
    <Route element={<PageBoundary />}>
      <Route index element={<HomeRedirect />} />
      <Route path="login" element={<LoginRoute />} />
      <Route path="signup" element={<SignupRoute />} />
      <Route path="signup/confirm" element={<SignupConfirmRoute />} />
      <Route path="signup/join" element={<SignupConfirmRoute join />} />
      <Route path="forgot-password" element={<ForgotPasswordPage />} />
      <Route path="reset-password" element={<ResetPasswordPage />} />
      <Route path="portal">
        <Route index element={customer(<MyTickets />)} />
        <Route path="new" element={customer(<NewTicketRoute />)} />
        <Route path="tickets/:ticketId" element={customer(<TicketConversationRoute />)} />
      </Route>
      <Route path="help">
        <Route index element={<HelpCenter />} />
        <Route path="search" element={<KbSearchPage />} />
        <Route path="articles/:slug" element={<ArticlePage />} />
      </Route>
      <Route path="agent">
        <Route index element={<Navigate to="/agent/inbox/mine" replace />} />
        <Route path="inbox" element={<Navigate to="/agent/inbox/mine" replace />} />
        <Route path="inbox/:view" element={staff(<InboxRoute />)} />
        <Route
          path="tickets/:ticketId"
          element={staff(
            <Suspense fallback={<Loading label="Loading the ticket…" />}>
              <TicketWorkspaceRoute />
            </Suspense>,
          )}
        />
        <Route path="teams" element={staff(<TeamOverview />)} />
        <Route
          path="privacy"
          element={
            <RequireRole audience="staff">
              {(me) => (
                <Suspense fallback={<Loading label="Loading privacy…" />}>
                  <PrivacyRoute me={me} />
                </Suspense>
              )}
            </RequireRole>
          }
        />
        <Route
          path="reports"
          element={staff(
            <Suspense fallback={<Loading label="Loading reports…" />}>
              <ReportsRoute />
            </Suspense>,
          )}
        />
      </Route>
      <Route
        path="notifications"
        element={<RequireRole audience="anyone signed in">{(me) => <NotificationsRoute me={me} />}</RequireRole>}
      />
      <Route
        path="settings/security"
        element={<RequireRole audience="anyone signed in">{(me) => <SecuritySettingsRoute me={me} />}</RequireRole>}
      />
      <Route path="*" element={<NotFound />} />
    </Route>
  </Route>,
);

function Routed() {
  return useRoutes(routes);
}

export function AppRouter() {
  return (
    <BrowserRouter>
      <Routed />
    </BrowserRouter>
  );
}
