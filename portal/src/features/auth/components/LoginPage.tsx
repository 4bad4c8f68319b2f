// The sign-in form of a tenant host; after sign-in, each role lands on its own home.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import { Loading } from "@/components/Loading";
import { homePath, useMe, type Me } from "@/lib/session";

import { useLogin, useSignedIn, type Challenge } from "../api/auth";
import { TwoFactorCodeStep } from "./TwoFactorCodeStep";
import { TwoFactorEnrol } from "./TwoFactorEnrol";

/** Only same-site paths may be a post-login target (no open redirects). */
export function safeNext(next: string | null): string | null {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : null;
}

export function LoginPage({ tenantName, signupAllowed = false }: { tenantName: string; signupAllowed?: boolean }) {
  const { t } = useTranslation();
  const me = useMe();
  const login = useLogin();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const signedIn = useSignedIn();

  function proceed(who: Me) {
    navigate(safeNext(params.get("next")) ?? homePath(who), { replace: true });
  }

  // While the set-up shows the recovery codes, the person is signed in already: stay here.
  if (me.isPending && !challenge) return <Loading />;
  if (me.data && !challenge) return <Navigate to={safeNext(params.get("next")) ?? homePath(me.data)} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate(
      { email: email.trim(), password },
      { onSuccess: (result) => (result.me ? proceed(result.me) : setChallenge(result.challenge)) },
    );
  }

  if (challenge?.status === "code_required") {
    return (
      <div className="login">
        <h1>{t("auth.twoFactorTitle")}</h1>
        <TwoFactorCodeStep challenge={challenge.challenge} onSignedIn={proceed} />
      </div>
    );
  }
  if (challenge) {
    return (
      <div className="login">
        <h1>{t("auth.twoFactorSetupTitle")}</h1>
        <p>{t("auth.twoFactorRequired", { tenant: tenantName })}</p>
        <TwoFactorEnrol
          challenge={challenge.challenge}
          onDone={(who) => {
            if (!who) return;
            signedIn(who);
            proceed(who);
          }}
        />
      </div>
    );
  }

  return (
    <div className="login">
      <h1>{t("auth.signInTo", { tenant: tenantName })}</h1>
      <form onSubmit={submit} className="card" aria-label={t("auth.signIn")}>
        <Field
          id="email"
          label={t("auth.email")}
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          id="password"
          label={t("auth.password")}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {login.isError ? <ErrorMessage error={login.error} /> : null}
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? t("auth.signingIn") : t("auth.signIn")}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">{t("auth.forgotPassword")}</Link>
        {signupAllowed ? (
          <>
            {" · "}
            <Link to="/signup">{t("auth.createAccount")}</Link>
          </>
        ) : null}
      </p>
    </div>
  );
}
