// The second sign-in step: a code from the authenticator app, or a recovery code.
import { useState, type FormEvent } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import type { Me } from "@/lib/session";

import { useLoginCode } from "../api/auth";

export function TwoFactorCodeStep({ challenge, onSignedIn }: { challenge: string; onSignedIn: (me: Me) => void }) {
  const step = useLoginCode();
  const [code, setCode] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    step.mutate({ challenge, code: code.trim() }, { onSuccess: onSignedIn });
  }

  return (
    <form onSubmit={submit} className="card" aria-label="Two-factor code">
      <Field
        id="totp-code"
        label="Code from your authenticator app (or a recovery code)"
        inputMode="numeric"
        autoComplete="one-time-code"
        autoFocus
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      {step.isError ? <ErrorMessage error={step.error} /> : null}
      <button type="submit" className="primary" disabled={step.isPending}>
        {step.isPending ? "Checking…" : "Verify"}
      </button>
    </form>
  );
}
