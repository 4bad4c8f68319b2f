/// <reference types="vitest/config" />
// Build: assets under /static/portal/ (core serves portal/dist there, see core/portal_host).
// Dev: `npm run dev` and open http://acme.localhost:5173; /api and /admin go to core,
// keeping the Host header so core still resolves the tenant from it.
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const core = `http://127.0.0.1:${process.env.FRONTLINE_WEB_PORT ?? "8000"}`;

export default defineConfig(({ command }) => ({
  base: command === "build" ? "/static/portal/" : "/",
  plugins: [react()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    host: "127.0.0.1",
    port: 5173,
    allowedHosts: [".localhost"],
    proxy: {
      "/api": { target: core, changeOrigin: false },
      "/admin": { target: core, changeOrigin: false },
      "/static/admin": { target: core, changeOrigin: false },
    },
  },
  test: {
    environment: "node", // component tests opt in with a `@vitest-environment jsdom` docblock
    globals: true, // lets Testing Library clean the DOM up after each test
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["./src/test-setup.ts"],
  },
}));
