// Signs out and returns to the sign-in page.
import { useTranslation } from "react-i18next";

import { useLogout } from "../api/auth";

export function LogoutButton() {
  const { t } = useTranslation();
  const logout = useLogout();
  return (
    <button
      type="button"
      className="link-button"
      disabled={logout.isPending}
      onClick={() => logout.mutate()}
    >
      {t("auth.signOut")}
    </button>
  );
}
