// Settings → Security: your own two-factor sign-in (set up, new recovery codes, turn off) and,
// for owners and admins, the desk's "required for staff" policy.
import { useState, type FormEvent } from "react";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Field } from "@/components/Field";
import { Loading } from "@/components/Loading";
import type { Me } from "@/lib/session";

import {
  useRecoveryCodesRegenerate,
  useSecurityPolicy,
  useSecurityPolicySet,
  useTwoFactorDisable,
  useTwoFactorStatus,
} from "../api/twoFactor";
import { RecoveryCodes, TwoFactorEnrol } from "./TwoFactorEnrol";

function RegenerateCodes() {
  const regenerate = useRecoveryCodesRegenerate();
  const [code, setCode] = useState("");
  if (regenerate.data) {
    return <RecoveryCodes codes={regenerate.data.recovery_codes} onDone={() => regenerate.reset()} doneLabel="Done" />;
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    regenerate.mutate(code.trim());
  }
  return (
    <form className="card" aria-label="New recovery codes" onSubmit={submit}>
      <h3>New recovery codes</h3>
      <Field id="regen-code" label="Code from the app" inputMode="numeric" required value={code} onChange={(e) => setCode(e.target.value)} />
      {regenerate.isError ? <ErrorMessage error={regenerate.error} /> : null}
      <button type="submit" disabled={regenerate.isPending}>
        Make new codes
      </button>
    </form>
  );
}

function DisableTwoFactor() {
  const disable = useTwoFactorDisable();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    disable.mutate({ password, code: code.trim() });
  }
  return (
    <form className="card" aria-label="Turn off two-factor sign-in" onSubmit={submit}>
      <h3>Turn off</h3>
      <Field
        id="disable-password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <Field id="disable-code" label="Code (or a recovery code)" required value={code} onChange={(e) => setCode(e.target.value)} />
      {disable.isError ? <ErrorMessage error={disable.error} /> : null}
      <button type="submit" disabled={disable.isPending}>
        Turn off two-factor sign-in
      </button>
    </form>
  );
}

function StaffPolicy() {
  const policy = useSecurityPolicy(true);
  const save = useSecurityPolicySet();
  if (policy.isPending) return <Loading />;
  if (policy.isError) return <ErrorMessage error={policy.error} />;
  const required = policy.data.two_factor_required_for_staff;
  return (
    <section className="card" aria-label="Desk security">
      <h2>Desk security</h2>
      <label>
        <input
          type="checkbox"
          checked={required}
          disabled={save.isPending}
          onChange={(e) => save.mutate(e.target.checked)}
        />{" "}
        Require two-factor sign-in for staff (owners, admins, agents)
      </label>
      <p>Staff without it are led through the set-up at their next sign-in; their open sessions end.</p>
      {save.isError ? <ErrorMessage error={save.error} /> : null}
    </section>
  );
}

export function SecuritySettings({ me }: { me: Me }) {
  const status = useTwoFactorStatus();
  const isAdmin = me.role === "owner" || me.role === "admin";
  if (status.isPending) return <Loading />;
  if (status.isError) return <ErrorMessage error={status.error} onRetry={() => void status.refetch()} />;
  const { enabled, recovery_codes_left, required_by_tenant } = status.data;
  return (
    <div className="settings">
      <h1>Security</h1>
      <section aria-label="Two-factor sign-in">
        <h2>Two-factor sign-in</h2>
        {enabled ? (
          <>
            <p data-testid="two-factor-state">
              On. {recovery_codes_left} recovery code{recovery_codes_left === 1 ? "" : "s"} left.
            </p>
            <RegenerateCodes />
            {required_by_tenant && me.role !== "customer" ? (
              <p>This desk requires it for staff, so it stays on.</p>
            ) : (
              <DisableTwoFactor />
            )}
          </>
        ) : (
          <>
            <p data-testid="two-factor-state">Off.</p>
            <TwoFactorEnrol challenge={null} onDone={() => void status.refetch()} />
          </>
        )}
      </section>
      {isAdmin ? <StaffPolicy /> : null}
    </div>
  );
}
