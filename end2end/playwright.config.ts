import { defineConfig } from "@playwright/test";

/**
 * Browser tests against the server that `cargo leptos end-to-end` starts on
 * 127.0.0.1:3000. Debian's Chromium is used as it is: never download a browser
 * (this machine reaches no browser CDN). The flags stop Chromium from trying
 * closed-off hosts in the background.
 */
export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ["list"],
    ["html", { open: "never", outputFolder: "playwright-report" }],
    ["json", { outputFile: "test-results/results.json" }],
  ],
  outputDir: "test-results",
  use: {
    baseURL: process.env.DSMB_BASE_URL ?? "http://127.0.0.1:3000",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  // The upload test adds cuts to the served demo copy, so it runs after
  // every other test, with JavaScript on and then off (in the file).
  projects: [
    { name: "js-on", use: { javaScriptEnabled: true }, testIgnore: /uploads\.spec\.ts/ },
    { name: "js-off", use: { javaScriptEnabled: false }, testIgnore: /uploads\.spec\.ts/ },
    { name: "uploads", testMatch: /uploads\.spec\.ts/, dependencies: ["js-on", "js-off"] },
  ],
});
