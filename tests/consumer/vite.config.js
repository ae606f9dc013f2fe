// es2020: the package's browser entry has no top-level await, so a target
// without it builds (Vite refuses top-level await below es2022).
import { defineConfig } from "vite";

export default defineConfig({
  build: { target: "es2020" },
  // Keep the build log readable in CI output.
  clearScreen: false,
});
