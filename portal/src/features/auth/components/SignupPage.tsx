// Customer sign-up, shown only when the tenant allows it; signs the new customer in.
import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import { homePath, useMe } from "@/lib/session";

import { useNewPassword } from "../api/newPassword";
import { useSignup } from "../api/selfservice";
import { NewPasswordFields } from "./NewPasswordFields";

export function SignupPage({ tenantName, allowed }: { tenantName: string; allowed: boolean }) {
  const me = useMe();
  const signup = useSignup();
  const navigate = useNavigate();
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");
  const newPassword = useNewPassword();

  if (me.data) return <Navigate to={homePath(me.data)} replace />;
  if (!allowed) {
    return (
      <EmptyState title="Sign-up is closed">
        <p>
          {tenantName} creates accounts for its customers. <Link to="/login">Sign in</Link> or write to the support
          team.
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
      <h1>Create your {tenantName} account</h1>
      <form onSubmit={submit} className="card" aria-label="Sign up">
        <Field id="signup-name" label="Your name" autoComplete="name" value={fullName} onChange={(e) => setFullName(e.target.value)} />
        <Field
          id="signup-email"
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <NewPasswordFields idPrefix="signup" label="Password" value={newPassword} />
        {signup.isError ? <ErrorMessage error={signup.error} /> : null}
        <button type="submit" className="primary" disabled={signup.isPending}>
          {signup.isPending ? "Creating…" : "Create account"}
        </button>
      </form>
      <p>
        Have an account? <Link to="/login">Sign in</Link>
      </p>
    </div>
  );
}
