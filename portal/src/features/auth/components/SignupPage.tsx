// Customer sign-up, shown only when the tenant allows it; signs the new customer in.
import { useState, type FormEvent } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import { homePath, useMe } from "@/lib/session";

import { useNewPassword } from "../api/newPassword";
import { useSignup } from "../api/selfservice";
import { NewPasswordFields } from "./NewPasswordFields";

export function SignupPage({ tenantName, allowed }: { tenantName: string; allowed: boolean }) {
  const { t } = useTranslation();
  const me = useMe();
  const signup = useSignup();
  const navigate = useNavigate();
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");
  const newPassword = useNewPassword();

  if (me.data) return <Navigate to={homePath(me.data)} replace />;
  if (!allowed) {
    return (
      <EmptyState title={t("auth.signupClosed")}>
        <p>
          <Trans
            i18nKey="auth.signupClosedBody"
            values={{ tenant: tenantName }}
            components={{ signIn: <Link to="/login" /> }}
          />
        </p>
      </EmptyState>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!newPassword.validate()) return;
    signup.mutate(
      { email: email.trim(), password: newPassword.password, full_name: fullName.trim() },
      { onSuccess: (who) => navigate(homePath(who), { replace: true }) },
    );
  }

  return (
    <div className="login">
      <h1>{t("auth.createYourAccount", { tenant: tenantName })}</h1>
      <form onSubmit={submit} className="card" aria-label={t("auth.signUp")}>
        <Field id="signup-name" label={t("auth.yourName")} autoComplete="name" value={fullName} onChange={(e) => setFullName(e.target.value)} />
        <Field
          id="signup-email"
          label={t("auth.email")}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <NewPasswordFields idPrefix="signup" label={t("auth.password")} value={newPassword} />
        {signup.isError ? <ErrorMessage error={signup.error} /> : null}
        <button type="submit" className="primary" disabled={signup.isPending}>
          {signup.isPending ? t("auth.creating") : t("auth.createAccountButton")}
        </button>
      </form>
      <p>
        <Trans i18nKey="auth.haveAccount" components={{ signIn: <Link to="/login" /> }} />
      </p>
    </div>
  );
}
