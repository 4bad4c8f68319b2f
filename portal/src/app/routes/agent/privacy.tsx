// The privacy page, for owners and admins (agents are told who can use it).
import { useTranslation } from "react-i18next";

import { PrivacyPage } from "@/features/privacy";
import type { Me } from "@/lib/session";

export function PrivacyRoute({ me }: { me: Me }) {
  const { t } = useTranslation();
  if (me.role !== "owner" && me.role !== "admin") {
    return (
      <main id="main" className="content">
        <h1>{t("privacy.title")}</h1>
        <p>{t("privacy.onlyAdmins")}</p>
      </main>
    );
  }
  return <PrivacyPage />;
}
