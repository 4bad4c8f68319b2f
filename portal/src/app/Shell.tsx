// The page frame: tenant brand, the navigation of the signed-in person's area, sign out.
import { NavLink, Outlet } from "react-router";

import { ShortcutHelp } from "@/components/ShortcutHelp";

import { LogoutButton } from "@/features/auth/components/LogoutButton";
import { BrandMark } from "@/features/branding/components/BrandMark";
import { TicketSearchBox } from "@/features/inbox/components/TicketSearchBox";
import { NotificationsLink } from "@/features/notifications/components/NotificationsLink";
import { homePath, isStaff, useMe } from "@/lib/session";

import { useTenant } from "./tenant";

export function Shell() {
  const branding = useTenant();
  const me = useMe().data ?? null;
  const staff = isStaff(me);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <BrandMark branding={branding} to={homePath(me)} />
        {me ? (
          <nav aria-label={staff ? "Workspace" : "Portal"} className="topbar__nav">
            {staff ? (
              <>
                <NavLink to="/agent/inbox">Inbox</NavLink>
                <NavLink to="/agent/teams">Teams</NavLink>
                <NavLink to="/agent/reports">Reports</NavLink>
                {me.role === "owner" || me.role === "admin" ? <NavLink to="/agent/privacy">Privacy</NavLink> : null}
                <NavLink to="/help">Help center</NavLink>
              </>
            ) : (
              <>
                <NavLink to="/portal" end>
                  My requests
                </NavLink>
                <NavLink to="/portal/new">New request</NavLink>
                <NavLink to="/help">Help center</NavLink>
              </>
            )}
          </nav>
        ) : (
          <nav aria-label="Portal" className="topbar__nav">
            <NavLink to="/help">Help center</NavLink>
            <NavLink to="/login">Sign in</NavLink>
          </nav>
        )}
        {staff ? <TicketSearchBox /> : null}
        {me ? (
          <div className="topbar__user">
            <NotificationsLink />
            <span data-testid="signed-in-as">{me.full_name || me.email}</span>
            <NavLink to="/settings/security">Security</NavLink>
            <LogoutButton />
          </div>
        ) : null}
      </header>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
      <ShortcutHelp enabled={staff} />
    </div>
  );
}
