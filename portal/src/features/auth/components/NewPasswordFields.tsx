// The two fields of a new password (it and its repeat) and what is wrong with them, shared by
// sign-up and password reset so both ask and check the same way.
import { Field } from "@/components/Field";

import type { NewPassword } from "../api/newPassword";

export function NewPasswordFields({
  idPrefix,
  label,
  value,
}: {
  idPrefix: string;
  label: string;
  value: NewPassword;
}) {
  return (
    <>
      <Field
        id={`${idPrefix}-password`}
        label={label}
        type="password"
        autoComplete="new-password"
        required
        value={value.password}
        onChange={(e) => value.setPassword(e.target.value)}
      />
      <Field
        id={`${idPrefix}-repeat`}
        label={`${label} again`}
        type="password"
        autoComplete="new-password"
        required
        value={value.repeat}
        onChange={(e) => value.setRepeat(e.target.value)}
      />
      {value.problem ? (
        <p className="error" role="alert">
          {value.problem}
        </p>
      ) : null}
    </>
  );
}
