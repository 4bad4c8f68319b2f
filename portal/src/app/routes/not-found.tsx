// Unknown portal route.
import { Link } from "react-router";

import { EmptyState } from "@/components/EmptyState";

export function NotFound() {
  return (
    <EmptyState title="Page not found">
      <p>
        This page does not exist. <Link to="/">Go to the start page</Link>.
      </p>
    </EmptyState>
  );
}
