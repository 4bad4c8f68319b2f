// The agent pages fetched on demand, so the customer portal and the inbox stay small.
import { lazy } from "react";

// The reports dashboard carries the chart library: load it only when an agent opens it.
export const ReportsRoute = lazy(() => import("./reports").then((module) => ({ default: module.ReportsRoute })));

// The admins' privacy page: rarely opened, so fetched when it is.
export const PrivacyRoute = lazy(() => import("./privacy").then((module) => ({ default: module.PrivacyRoute })));

// The ticket view (composer, pickers, panels) is fetched when an agent first opens a ticket,
// or ahead of that while the inbox is open; the customer portal never loads it.
export const loadTicketRoute = () => import("./ticket");
export const TicketWorkspaceRoute = lazy(() =>
  loadTicketRoute().then((module) => ({ default: module.TicketWorkspaceRoute })),
);
