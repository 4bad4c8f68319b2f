// Route guard: signed-out people go to sign-in; people of the other kind go to their own home.
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { ErrorMessage } from "@/components/ErrorMessage";
import { Loading } from "@/components/Loading";
import { homePath, isStaff, useMe, type Me } from "@/lib/session";

export type Audience = "staff" | "customer" | "anyone signed in";

export function RequireRole({ audience, children }: { audience: Audience; children: (me: Me) => ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (audience !== "anyone signed in" && (audience === "staff") !== isStaff(me.data)) {
    return <Navigate to={homePath(me.data)} replace />;
  }
  return <>{children(me.data)}</>;
}

export function HomeRedirect() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  return <Navigate to={homePath(me.data)} replace />;
}
