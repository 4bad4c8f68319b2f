// Customer sign-up, shown only when the tenant allows it; signs the new customer in.
import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate } from "react-router";

import { EmptyState } from "@/components/EmptyState";
import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import { homePath, useMe } from "@/lib/session";

import { passwordProblem, useSignup } from "../api/selfservice";

export function SignupPage({ tenantName, allowed }: { tenantName: string; allowed: boolean }) {
  const me = useMe();
  const signup = useSignup();
  const navigate = useNavigate();
  const [fullName, setFullName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

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
    const issue = passwordProblem(password, repeat);
    setProblem(issue);
    if (issue) return;
    signup.mutate(
      { email: email.trim(), password, full_name: fullName.trim() },
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
        <Field
          id="signup-password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Field
          id="signup-repeat"
          label="Password again"
          type="password"
          autoComplete="new-password"
          required
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
        />
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
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
