// Vite build of the browser UI into web/dist, which the server serves at "/".
// In `npm run dev` the API's paths (one list, server/src/web/api-paths.ts) are proxied to a
// server on 127.0.0.1:8000 (or API_ORIGIN).
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";
import { API_HTTP_PATHS, API_WS_PATH } from "../server/src/web/api-paths.js";

const api = process.env.API_ORIGIN ?? "http://127.0.0.1:8000";

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
      ...Object.fromEntries(API_HTTP_PATHS.map((p) => [p, { target: api, changeOrigin: false }])),
      [API_WS_PATH]: { target: api.replace(/^http/, "ws"), ws: true },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["test/**/*.test.{ts,tsx}"],
    setupFiles: ["test/setup.ts"],
  },
});
