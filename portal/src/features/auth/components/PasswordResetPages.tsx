// Password reset: ask for a link by email, then choose a new password from the link's page.
import { useState, type FormEvent } from "react";
import { Trans, useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";

import { useNewPassword } from "../api/newPassword";
import { useConfirmReset, useRequestReset } from "../api/selfservice";
import { NewPasswordFields } from "./NewPasswordFields";

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const request = useRequestReset();
  const [email, setEmail] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate(email.trim());
  }

  return (
    <div className="login">
      <h1>{t("reset.title")}</h1>
      {request.isSuccess ? (
        <div className="card" role="status">
          <p>{request.data.detail}</p>
          <p>
            <Link to="/login">{t("reset.backToSignIn")}</Link>
          </p>
        </div>
      ) : (
        <form onSubmit={submit} className="card" aria-label={t("reset.formLabel")}>
          <p className="muted">{t("reset.intro")}</p>
          <Field
            id="reset-email"
            label={t("auth.email")}
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          {request.isError ? <ErrorMessage error={request.error} /> : null}
          <button type="submit" className="primary" disabled={request.isPending}>
            {request.isPending ? t("reset.sending") : t("reset.send")}
          </button>
        </form>
      )}
    </div>
  );
}

export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const confirm = useConfirmReset();
  const newPassword = useNewPassword();
  const uid = params.get("uid") ?? "";
  const token = params.get("token") ?? "";

  function submit(event: FormEvent) {
    event.preventDefault();
    if (newPassword.validate()) confirm.mutate({ uid, token, password: newPassword.password });
  }

  if (!uid || !token) {
    return (
      <div className="login">
        <h1>{t("reset.title")}</h1>
        <p className="error" role="alert">
          <Trans i18nKey="reset.incomplete" components={{ ask: <Link to="/forgot-password" /> }} />
        </p>
      </div>
    );
  }
  return (
    <div className="login">
      <h1>{t("reset.chooseTitle")}</h1>
      {confirm.isSuccess ? (
        <div className="card" role="status">
          <p>{t("reset.changed")}</p>
          <p>
            <Link to="/login">{t("auth.signIn")}</Link>
          </p>
        </div>
      ) : (
        <form onSubmit={submit} className="card" aria-label={t("reset.chooseTitle")}>
          <NewPasswordFields idPrefix="new" label={t("reset.newPassword")} value={newPassword} />
          {confirm.isError ? (
            <>
              <ErrorMessage error={confirm.error} />
              <p>
                <Link to="/forgot-password">{t("reset.askNewLink")}</Link>
              </p>
            </>
          ) : null}
          <button type="submit" className="primary" disabled={confirm.isPending}>
            {confirm.isPending ? t("reset.saving") : t("reset.save")}
          </button>
        </form>
      )}
    </div>
  );
}
