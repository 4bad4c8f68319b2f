// Signs out and returns to the sign-in page.
import { useLogout } from "../api/auth";

export function LogoutButton() {
  const logout = useLogout();
  return (
    <button
      type="button"
      className="link-button"
      disabled={logout.isPending}
      onClick={() => logout.mutate()}
    >
      Sign out
    </button>
  );
}
