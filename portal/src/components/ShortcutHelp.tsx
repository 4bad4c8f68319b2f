// The "?" overlay listing the keyboard shortcuts; Esc or the button closes it.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

import { SHORTCUT_HELP, useShortcuts } from "@/lib/shortcuts";

export function ShortcutHelp({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const closeRef = useRef<HTMLButtonElement>(null);
  useShortcuts({ "?": () => setOpen((o) => !o) }, enabled);
  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    function onKey(event: KeyboardEvent) {
      if (event.key === "Escape") setOpen(false);
    }
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      previous?.focus();
    };
  }, [open]);
  if (!open) return null;
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="shortcut-title">
      <div className="card overlay__box">
        <h2 id="shortcut-title">{t("shortcuts.title")}</h2>
        <dl className="shortcut-list">
          {SHORTCUT_HELP.map(([keys, what]) => (
            <div key={keys}>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
        <button type="button" ref={closeRef} onClick={() => setOpen(false)}>
          {t("common.close")}
        </button>
      </div>
    </div>
  );
}
