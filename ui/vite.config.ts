import { defineConfig } from "vite";

// The bundle is embedded into the Go binary (ui/embed.go), so it must be
// self-contained: relative asset URLs, no CDN, no external fonts.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 200,
  },
  server: {
    // `npm run dev` proxies the API to a running lookout (default port).
    proxy: { "/api": process.env.LOOKOUT_URL ?? "http://127.0.0.1:8686" },
  },
});
