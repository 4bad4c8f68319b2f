// Customer sign-up, shown only when the tenant allows it: name and email here, then a mailed
// link whose page (SignupConfirmPage) sets the password. The answer never says whether the
// address already has an account.
import { useState, type FormEvent } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, Navigate } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import { homePath, useMe } from "@/lib/session";

import { useSignup } from "../api/selfservice";

export function SignupPage({ tenantName, allowed }: { tenantName: string; allowed: boolean }) {
  const { t } = useTranslation();
  const me = useMe();
  const signup = useSignup();
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");

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
    signup.mutate({ email: email.trim(), full_name: fullName.trim() });
  }

  return (
    <div className="login">
      <h1>{t("auth.createYourAccount", { tenant: tenantName })}</h1>
      {signup.isSuccess ? (
        <div className="card" role="status">
          <h2>{t("auth.checkMail")}</h2>
          <p>{signup.data.detail}</p>
        </div>
      ) : (
        <form onSubmit={submit} className="card" aria-label={t("auth.signUp")}>
          <p className="muted">{t("auth.signupIntro")}</p>
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
          {signup.isError ? <ErrorMessage error={signup.error} /> : null}
          <button type="submit" className="primary" disabled={signup.isPending}>
            {signup.isPending ? t("auth.sending") : t("auth.sendLink")}
          </button>
        </form>
      )}
      <p>
        <Trans i18nKey="auth.haveAccount" components={{ signIn: <Link to="/login" /> }} />
      </p>
    </div>
  );
}
