// The page frame: tenant brand, the navigation of the signed-in person's area, sign out.
import { useTranslation } from "react-i18next";
import { NavLink, Outlet } from "react-router";

import { ShortcutHelp } from "@/components/ShortcutHelp";

import { LogoutButton } from "@/features/auth/components/LogoutButton";
import { BrandMark } from "@/features/branding/components/BrandMark";
import { TicketSearchBox } from "@/features/inbox/components/TicketSearchBox";
import { NotificationsLink } from "@/features/notifications/components/NotificationsLink";
import { homePath, isStaff, useMe } from "@/lib/session";

import { LanguagePicker } from "./LanguagePicker";
import { useTenant } from "./tenant";

export function Shell() {
  const { t } = useTranslation();
  const branding = useTenant();
  const me = useMe().data ?? null;
  const staff = isStaff(me);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("shell.skipToContent")}
      </a>
      <header className="topbar">
        <BrandMark branding={branding} to={homePath(me)} />
        {me ? (
          <nav aria-label={staff ? t("shell.navWorkspace") : t("shell.navPortal")} className="topbar__nav">
            {staff ? (
              <>
                <NavLink to="/agent/inbox">{t("shell.inbox")}</NavLink>
                <NavLink to="/agent/teams">{t("shell.teams")}</NavLink>
                <NavLink to="/agent/reports">{t("shell.reports")}</NavLink>
                {me.role === "owner" || me.role === "admin" ? <NavLink to="/agent/privacy">{t("shell.privacy")}</NavLink> : null}
                <NavLink to="/help">{t("shell.helpCenter")}</NavLink>
              </>
            ) : (
              <>
                <NavLink to="/portal" end>
                  {t("shell.myRequests")}
                </NavLink>
                <NavLink to="/portal/new">{t("shell.newRequest")}</NavLink>
                <NavLink to="/help">{t("shell.helpCenter")}</NavLink>
              </>
            )}
          </nav>
        ) : (
          <nav aria-label={t("shell.navPortal")} className="topbar__nav">
            <NavLink to="/help">{t("shell.helpCenter")}</NavLink>
            <NavLink to="/login">{t("shell.signIn")}</NavLink>
          </nav>
        )}
        {staff ? <TicketSearchBox /> : null}
        {me ? (
          <div className="topbar__user">
            <NotificationsLink />
            <span data-testid="signed-in-as">{me.full_name || me.email}</span>
            <LanguagePicker />
            <NavLink to="/settings/security">{t("shell.security")}</NavLink>
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
