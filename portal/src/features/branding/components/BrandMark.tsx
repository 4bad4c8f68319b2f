// The tenant's logo (when set) and name, linking home.
import { Link } from "react-router";

import type { Branding } from "../api/tenant";

export function BrandMark({ branding, to }: { branding: Branding; to: string }) {
  return (
    <Link to={to} className="brand" aria-label={`${branding.title} home`}>
      {branding.logoUrl ? <img src={branding.logoUrl} alt="" className="brand__logo" /> : null}
      <span className="brand__name" data-testid="tenant-name">
        {branding.title}
      </span>
    </Link>
  );
}
