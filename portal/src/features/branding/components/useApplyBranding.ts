// Puts the tenant's colours into CSS variables and its title into the document title.
import { useEffect } from "react";

import type { Branding } from "../api/tenant";

export function useApplyBranding(branding: Branding | undefined) {
  useEffect(() => {
    if (!branding) return;
    const root = document.documentElement.style;
    if (branding.primaryColor) root.setProperty("--brand-primary", branding.primaryColor);
    if (branding.accentColor) root.setProperty("--brand-accent", branding.accentColor);
    document.title = branding.title;
  }, [branding]);
}
