// Settings of the signed-in person (and, for admins, of the desk).
import { SecuritySettings } from "@/features/auth/components/SecuritySettings";
import type { Me } from "@/lib/session";

export function SecuritySettingsRoute({ me }: { me: Me }) {
  return <SecuritySettings me={me} />;
}
