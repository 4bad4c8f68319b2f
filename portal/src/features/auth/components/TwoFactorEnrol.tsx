// Setting up an authenticator app: the QR code (drawn by core as SVG), the secret for typing,
// the first code to confirm, then the recovery codes, shown once.
import { useState, type FormEvent } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import type { Me } from "@/lib/session";

import { useEnrolConfirm, useEnrolStart } from "../api/twoFactor";

export function RecoveryCodes({ codes, onDone, doneLabel }: { codes: string[]; onDone: () => void; doneLabel: string }) {
  return (
    <div className="card" aria-label="Recovery codes">
      <h2>Your recovery codes</h2>
      <p>
        Each works once instead of a code, if you lose your phone. Store them now: they are not shown again.
      </p>
      <ul data-testid="recovery-codes" className="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" className="primary" onClick={onDone}>
        {doneLabel}
      </button>
    </div>
  );
}

/** `challenge`: from the sign-in step when the desk requires a set-up (not signed in yet). */
export function TwoFactorEnrol({ challenge, onDone }: { challenge: string | null; onDone: (me: Me | null) => void }) {
  const start = useEnrolStart();
  const confirm = useEnrolConfirm();
  const [code, setCode] = useState("");

  if (confirm.data) {
    const { me, recovery_codes } = confirm.data;
    return <RecoveryCodes codes={recovery_codes} onDone={() => onDone(me ?? null)} doneLabel="I have saved them" />;
  }
  if (!start.data) {
    return (
      <div className="card">
        <p>Use an authenticator app (Aegis, Google Authenticator, 1Password, …) for a code at each sign-in.</p>
        {start.isError ? <ErrorMessage error={start.error} /> : null}
        <button type="button" className="primary" onClick={() => start.mutate(challenge)} disabled={start.isPending}>
          Set up two-factor sign-in
        </button>
      </div>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate({ code: code.trim(), challenge });
  }

  return (
    <form className="card" aria-label="Confirm two-factor set-up" onSubmit={submit}>
      <p>Scan this code with your authenticator app, then enter the six digits it shows.</p>
      {/* SVG that core drew from the otpauth URI (segno); no image service sees the secret. */}
      <div className="qr" data-testid="totp-qr" dangerouslySetInnerHTML={{ __html: start.data.qr_svg }} />
      <p>
        Or type the key: <code data-testid="totp-secret">{start.data.secret}</code>
      </p>
      <Field
        id="totp-confirm-code"
        label="Code from the app"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        value={code}
        onChange={(e) => setCode(e.target.value)}
      />
      {confirm.isError ? <ErrorMessage error={confirm.error} /> : null}
      <button type="submit" className="primary" disabled={confirm.isPending}>
        Confirm
      </button>
    </form>
  );
}
