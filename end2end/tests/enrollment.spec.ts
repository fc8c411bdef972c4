import { test, expect, type Page, type ConsoleMessage } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { signIn } from "./auth";

// The numbers a correct page shows come from the reconstruction's own
// expected.json (written by its generator), not from this app.
const expected = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../demo/altshock2/expected.json"), "utf8"),
);
const latest = expected.cuts["cut-2024-12-31"];

async function checkEnrollmentTable(page: Page) {
  await expect(page.getByTestId("enrolled-total")).toHaveText(String(latest.enrolled.total));
  await expect(page.getByTestId("enrolled-target")).toHaveText("200");
  const rows = page.getByTestId("by-site").locator("tbody tr");
  const sites = Object.keys(latest.enrolled_by_site).sort();
  await expect(rows).toHaveCount(sites.length);
  for (const [i, site] of sites.entries()) {
    await expect(rows.nth(i).locator("th")).toHaveText(site);
    await expect(rows.nth(i).locator("td").first()).toHaveText(
      String(latest.enrolled_by_site[site].total),
    );
  }
}

test("the overview shows enrollment and per-site numbers", async ({ page }, info) => {
  const errors: string[] = [];
  page.on("console", (msg: ConsoleMessage) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));

  await signIn(page, "e2e-sponsor");
  const response = await page.goto("/trial/altshock2");
  expect(response?.status()).toBe(200);
  await expect(page.getByText("101 enrolled", { exact: false })).toBeVisible();
  await checkEnrollmentTable(page);

  if (info.project.name === "js-on") {
    // plotly.js draws into the chart's div once the page has hydrated.
    const chart = page.getByTestId("enrollment-chart");
    await expect(chart.locator("svg.main-svg").first()).toBeVisible();
    await expect(chart.locator(".scatterlayer .trace")).toHaveCount(2);
  } else {
    // Without JavaScript the chart stays empty, and the table carries the numbers.
    await expect(page.getByTestId("enrollment-chart").locator("svg")).toHaveCount(0);
  }
  await page.screenshot({ path: info.outputPath("overview.png"), fullPage: true });
  expect(errors, `console errors: ${errors.join("\n")}`).toEqual([]);
});

test("plotly.js is served by the app itself, not a CDN", async ({ page }) => {
  const external: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (!["127.0.0.1", "localhost"].includes(url.hostname) && url.protocol.startsWith("http")) {
      external.push(req.url());
    }
  });
  await signIn(page, "e2e-sponsor");
  await page.goto("/trial/altshock2");
  const js = await page.request.get("/js/plotly-basic.min.js");
  expect(js.status()).toBe(200);
  expect((await js.body()).length).toBeGreaterThan(500_000);
  expect(external).toEqual([]);
});

test("an unknown page is a 404 with a way back", async ({ page }) => {
  await signIn(page, "e2e-sponsor");
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("link", { name: "Back to the trials" })).toBeVisible();
});
