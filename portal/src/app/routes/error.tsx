// A page that fails to render (or to load its code) is said inside the frame, with a reload;
// going to another address tries again.
import { Outlet, useLocation } from "react-router";

import { ErrorBoundary } from "@/components/ErrorBoundary";
import { ErrorMessage } from "@/components/ErrorMessage";

export function PageBoundary() {
  const { pathname } = useLocation();
  return (
    <ErrorBoundary
      resetKey={pathname}
      fallback={(error) => <ErrorMessage error={error} onRetry={() => window.location.reload()} />}
    >
      <Outlet />
    </ErrorBoundary>
  );
}
