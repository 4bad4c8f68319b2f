// Password reset: ask for a link by email, then choose a new password from the link's page.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";

import { useNewPassword } from "../api/newPassword";
import { useConfirmReset, useRequestReset } from "../api/selfservice";
import { NewPasswordFields } from "./NewPasswordFields";

export function ForgotPasswordPage() {
  const request = useRequestReset();
  const [email, setEmail] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    request.mutate(email.trim());
  }

  return (
    <div className="login">
      <h1>Reset your password</h1>
      {request.isSuccess ? (
        <div className="card" role="status">
          <p>{request.data.detail}</p>
          <p>
            <Link to="/login">Back to sign in</Link>
          </p>
        </div>
      ) : (
        <form onSubmit={submit} className="card" aria-label="Reset password">
          <p className="muted">We email you a link to choose a new password.</p>
          <Field
            id="reset-email"
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          {request.isError ? <ErrorMessage error={request.error} /> : null}
          <button type="submit" className="primary" disabled={request.isPending}>
            {request.isPending ? "Sending…" : "Send the link"}
          </button>
        </form>
      )}
    </div>
  );
}

export function ResetPasswordPage() {
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
        <h1>Reset your password</h1>
        <p className="error" role="alert">
          This link is incomplete. <Link to="/forgot-password">Ask for a new one</Link>.
        </p>
      </div>
    );
  }
  return (
    <div className="login">
      <h1>Choose a new password</h1>
      {confirm.isSuccess ? (
        <div className="card" role="status">
          <p>Your password is changed.</p>
          <p>
            <Link to="/login">Sign in</Link>
          </p>
        </div>
      ) : (
        <form onSubmit={submit} className="card" aria-label="Choose a new password">
          <NewPasswordFields idPrefix="new" label="New password" value={newPassword} />
          {confirm.isError ? (
            <>
              <ErrorMessage error={confirm.error} />
              <p>
                <Link to="/forgot-password">Ask for a new link</Link>
              </p>
            </>
          ) : null}
          <button type="submit" className="primary" disabled={confirm.isPending}>
            {confirm.isPending ? "Saving…" : "Save the password"}
          </button>
        </form>
      )}
    </div>
  );
}
