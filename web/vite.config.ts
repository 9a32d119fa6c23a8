// Vite build of the browser UI into web/dist, which the server serves at "/".
// In `npm run dev` the API is proxied to a server on 127.0.0.1:8000 (or API_ORIGIN).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const api = process.env.API_ORIGIN ?? "http://127.0.0.1:8000";
const apiPaths = [
  "/auth",
  "/execute",
  "/executions",
  "/analyze",
  "/snippets",
  "/search",
  "/health",
];

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      ...Object.fromEntries(apiPaths.map((p) => [p, { target: api, changeOrigin: false }])),
      "/ws": { target: api.replace(/^http/, "ws"), ws: true },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/setup.ts"],
  },
});
