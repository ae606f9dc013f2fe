// The package's browser entry instantiates its wasm with top-level await,
// which Vite's default build target (browsers from before it) refuses.
import { defineConfig } from "vite";

export default defineConfig({
  build: { target: "es2022" },
  // Keep the build log readable in CI output.
  clearScreen: false,
});
