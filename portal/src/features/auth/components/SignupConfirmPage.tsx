// The page of the sign-up mail's link. `/signup/confirm`: a new account, the person chooses
// the password here. `/signup/join`: the address already has an account; one button adds
// this help center to it (its password stays). Either way the person is then signed in.
import type { FormEvent } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { homePath } from "@/lib/session";

import { useNewPassword } from "../api/newPassword";
import { useConfirmSignup } from "../api/selfservice";
import { NewPasswordFields } from "./NewPasswordFields";

export function SignupConfirmPage({ tenantName, join }: { tenantName: string; join: boolean }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const confirm = useConfirmSignup();
  const newPassword = useNewPassword();
  const token = params.get("token") ?? "";
  const title = join ? t("auth.joinTitle", { tenant: tenantName }) : t("auth.finishTitle", { tenant: tenantName });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!join && !newPassword.validate()) return;
    confirm.mutate(
      { token, password: join ? "" : newPassword.password },
      { onSuccess: (me) => navigate(homePath(me), { replace: true }) },
    );
  }

  if (!token) {
    return (
      <div className="login">
        <h1>{title}</h1>
        <p className="error" role="alert">
          <Trans i18nKey="auth.linkIncomplete" components={{ again: <Link to="/signup" /> }} />
        </p>
      </div>
    );
  }
  return (
    <div className="login">
      <h1>{title}</h1>
      <form onSubmit={submit} className="card" aria-label={title}>
        {join ? (
          <p>{t("auth.joinBody")}</p>
        ) : (
          <NewPasswordFields idPrefix="signup" label={t("auth.password")} value={newPassword} />
        )}
        {confirm.isError ? (
          <>
            <ErrorMessage error={confirm.error} />
            <p>
              <Link to="/signup">{t("auth.signupAgain")}</Link>
            </p>
          </>
        ) : null}
        <button type="submit" className="primary" disabled={confirm.isPending}>
          {confirm.isPending ? t("auth.creating") : join ? t("auth.joinButton") : t("auth.finishButton")}
        </button>
      </form>
    </div>
  );
}
