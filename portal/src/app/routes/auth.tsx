// Signing in, signing up and resetting a password: the first two name the tenant and know
// whether it takes sign-ups.
import { LoginPage } from "@/features/auth/components/LoginPage";
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
