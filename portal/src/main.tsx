// Entry point of the portal bundle: the providers around the router.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import "@/lib/i18n";

import { AppProvider } from "./app/provider";
import { AppRouter } from "./app/router";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <AppProvider>
      <AppRouter />
    </AppProvider>
  </StrictMode>,
);
