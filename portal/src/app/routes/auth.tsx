// Signing in, signing up and resetting a password: the first two name the tenant and know
// whether it takes sign-ups.
import { LoginPage } from "@/features/auth/components/LoginPage";
import { SignupConfirmPage } from "@/features/auth/components/SignupConfirmPage";
import { SignupPage } from "@/features/auth/components/SignupPage";

import { useTenant } from "../tenant";

export { ForgotPasswordPage, ResetPasswordPage } from "@/features/auth/components/PasswordResetPages";

export function LoginRoute() {
  const tenant = useTenant();
  return <LoginPage tenantName={tenant.title} signupAllowed={tenant.signupAllowed} />;
}

export function SignupRoute() {
  const tenant = useTenant();
  return <SignupPage tenantName={tenant.title} allowed={tenant.signupAllowed} />;
}

export function SignupConfirmRoute({ join = false }: { join?: boolean }) {
  const tenant = useTenant();
  return <SignupConfirmPage tenantName={tenant.title} join={join} />;
}
