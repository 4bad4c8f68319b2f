// Unknown portal route.
import { useTranslation } from "react-i18next";
import { Link } from "react-router";

import { EmptyState } from "@/components/EmptyState";

export function NotFound() {
  const { t } = useTranslation();
  return (
    <EmptyState title={t("notFound.title")}>
      <p>
        {t("notFound.body")} <Link to="/">{t("notFound.home")}</Link>
      </p>
    </EmptyState>
  );
}
