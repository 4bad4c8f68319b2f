// The privacy page, for owners and admins (agents are told who can use it).
import { PrivacyPage } from "@/features/privacy";
import type { Me } from "@/lib/session";

export function PrivacyRoute({ me }: { me: Me }) {
  if (me.role !== "owner" && me.role !== "admin") {
    return (
      <main id="main" className="content">
        <h1>Privacy</h1>
        <p>Only owners and admins export or erase a person's data; ask one of them.</p>
      </main>
    );
  }
  return <PrivacyPage />;
}
