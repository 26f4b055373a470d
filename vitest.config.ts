import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Builds dist/ once, the way `npm start` does, so end-to-end tests run what users run.
    globalSetup: ["test/global-setup.ts"],
  },
});
