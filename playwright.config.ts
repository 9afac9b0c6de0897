import { defineConfig, devices } from "@playwright/test";
import { E2E_APP_PORT } from "./e2e/support/global-setup";

/**
 * End-to-end tests against the BUILT console (`next build` first; scripts/test.sh
 * does it), on Debian's Chromium (never `playwright install`). Global setup
 * starts PostgreSQL, the test OIDC provider and `next start`.
 */

/** Debian's Chromium, headless, with nothing that reaches out to the network. */
const CHROMIUM = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

export default defineConfig({
  testDir: "e2e",
  outputDir: ".tmp/e2e/results",
  globalSetup: "./e2e/support/global-setup.ts",
  globalTeardown: "./e2e/support/global-teardown.ts",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never", outputFolder: ".tmp/e2e/report" }]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_APP_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  // A global kill switch would deny every other spec's jobs: that spec runs alone, after the rest.
  projects: [
    { name: "chromium", testIgnore: /global-switch\.spec\.ts/, use: CHROMIUM },
    { name: "global-switch", testMatch: /global-switch\.spec\.ts/, dependencies: ["chromium"], use: CHROMIUM },
  ],
});
