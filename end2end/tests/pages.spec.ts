import { test, expect, type Locator, type Page } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { consoleErrors, signIn } from "./auth";

// Counts from the reconstruction's own expected.json.
const expected = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../demo/altshock2/expected.json"), "utf8"),
);
const cut = (d: string) => expected.cuts[`cut-${d}`];

/** Every chart element on the page is drawn by plotly.js (JS on only). */
/** A chart's legend lies outside every plot area of the chart: it covers no
 * data (above the plot, or below its axis). */
async function legendCoversNoData(chart: Locator) {
  const legend = chart.locator(".legend");
  if ((await legend.count()) === 0) return;
  const l = await legend.first().boundingBox();
  if (!l || l.width === 0) return;
  const areas = chart.locator(".nsewdrag");
  for (let k = 0; k < (await areas.count()); k++) {
    const a = await areas.nth(k).boundingBox();
    if (!a) continue;
    const overlaps =
      l.x < a.x + a.width - 1 && a.x < l.x + l.width - 1 && l.y < a.y + a.height - 1 && a.y < l.y + l.height - 1;
    expect(overlaps, `the legend of ${await chart.getAttribute("id")} covers its plot area`).toBe(false);
  }
}

async function chartsDrawn(page: Page, js: boolean) {
  // The islands plotly.js draws into; without JavaScript each is an empty
  // box that takes no room, and the server's SVG of the same figure stands
  // in its place: no blank box, no chart missing.
  const charts = page.locator(".chart:not(.chart-svg)");
  const n = await charts.count();
  for (let i = 0; i < n; i++) {
    if (js) {
      await expect(charts.nth(i).locator("svg.main-svg").first()).toBeVisible();
      await legendCoversNoData(charts.nth(i));
    } else await expect(charts.nth(i)).toBeHidden();
  }
  if (!js) {
    const drawn = page.locator(".chart-svg > svg");
    await expect(drawn).toHaveCount(n);
    for (let i = 0; i < n; i++) await expect(drawn.nth(i)).toBeVisible();
  }
  return n;
}

test("the cut picker keeps the page, and the tabs keep the cut", async ({ page }) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-stat");
  await page.goto("/trial/altshock2/safety");
  await expect(page.getByTestId("cut-select")).toHaveValue("2024-12-31");
  await page.getByTestId("cut-select").selectOption("2022-06-30");
  await page.getByRole("button", { name: "Show", exact: true }).click();
  await expect(page).toHaveURL(/\/trial\/altshock2\/safety\?cut=2022-06-30$/);
  await expect(page.getByTestId("cut-select")).toHaveValue("2022-06-30");
  const early = cut("2022-06-30");
  const row = page.getByTestId("closed-safety").locator("tr", { hasText: "BARC>=3 bleeding" });
  await expect(row).toContainText(`${early.safety_subjects.bleeding_barc_ge3.IABP}/${early.enrolled.IABP}`);
  await expect(row).toContainText(`${early.safety_subjects.bleeding_barc_ge3.SOC}/${early.enrolled.SOC}`);

  await page.getByRole("link", { name: "Overview" }).click();
  await expect(page).toHaveURL(/\/trial\/altshock2\?cut=2022-06-30$/);
  await expect(page.getByTestId("enrolled-total")).toHaveText(String(early.enrolled.total));

  await page.getByRole("link", { name: "Efficacy and futility" }).click();
  await expect(page).toHaveURL(/\/trial\/altshock2\/efficacy\?cut=2022-06-30$/);
  const iabp = page.getByTestId("primary").locator("tr", { hasText: "IABP + SoC" });
  await expect(iabp).toContainText(String(early.primary_endpoint.evaluable_day60.IABP));
  await expect(iabp).toContainText(String(early.primary_endpoint.failures_death_within_60d.IABP));
  // The title names the page, the trial and the cut (tabs, bookmarks, print).
  await expect(page).toHaveTitle(/^Efficacy and futility · altshock2 · cut 2022-06-30/);

  // Reviews and Reports keep the cut too, and lead back to it.
  await page.getByRole("link", { name: "Reviews" }).click();
  await expect(page).toHaveURL(/\/trial\/altshock2\/reviews\?cut=2022-06-30$/);
  await expect(page).toHaveTitle(/^Reviews · altshock2 · cut 2022-06-30/);
  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page).toHaveURL(/\/trial\/altshock2\/reports\?cut=2022-06-30$/);
  await page.getByRole("link", { name: "Efficacy and futility" }).click();
  await expect(page).toHaveURL(/\/trial\/altshock2\/efficacy\?cut=2022-06-30$/);

  // The newest cut needs no query; an unknown cut is refused, not guessed.
  await page.getByTestId("cut-select").selectOption("2024-12-31");
  await page.getByRole("button", { name: "Show", exact: true }).click();
  await expect(page).toHaveURL(/\/trial\/altshock2\/efficacy\?cut=2024-12-31$/);
  await expect(page.getByRole("link", { name: "Safety" })).toHaveAttribute("href", "/trial/altshock2/safety");
  await expect(page.getByTestId("primary").locator("tr", { hasText: "IABP + SoC" })).toContainText("53");
  await page.goto("/trial/altshock2/safety?cut=2023-01-01");
  await expect(page.getByRole("alert")).toContainText("no such data cut");
  expect(errors.filter((e) => !e.includes("404")), errors.join("\n")).toEqual([]);
});

const pages: Record<string, string[]> = {
  "e2e-sponsor": ["", "/safety"],
  "e2e-dsmb": ["", "/safety", "/efficacy", "/cuts"],
  "e2e-stat": ["", "/safety", "/efficacy", "/cuts"],
};

for (const [user, tails] of Object.entries(pages)) {
  test(`every page of both trials as ${user}: tables, charts, no console errors`, async ({ page }, info) => {
    // Eight pages, each chart's legend measured against its plot areas.
    test.setTimeout(90_000);
    const errors = consoleErrors(page);
    await signIn(page, user);
    const js = info.project.name === "js-on";
    for (const trial of ["altshock2", "cdisc-pilot01"]) {
      for (const tail of tails) {
        const resp = await page.goto(`/trial/${trial}${tail}`);
        expect(resp?.status(), `${trial}${tail}`).toBe(200);
        await expect(page.locator("table.data").first()).toBeVisible();
        await chartsDrawn(page, js);
        const name = `${trial}${tail.replace("/", "-") || "-overview"}-${user}.png`;
        await page.screenshot({ path: info.outputPath(name), fullPage: true });
      }
    }
    expect(errors, errors.join("\n")).toEqual([]);
  });
}

test("the sponsor's pages carry no arm data at any cut", async ({ page }) => {
  await signIn(page, "e2e-sponsor");
  for (const d of ["2022-06-30", "2023-09-30", "2024-12-31"]) {
    for (const tail of ["", "/safety"]) {
      await page.goto(`/trial/altshock2${tail}?cut=${d}`);
      await expect(page.getByTestId("cut-select")).toHaveValue(d);
      const html = await page.content();
      for (const word of ["IABP", "SoC", "Group A", "Group B", "closed-safety", "by-arm", "serious-listing"])
        expect(html, `${tail} ${d}: ${word}`).not.toContain(word);
    }
    await page.goto(`/trial/altshock2?cut=${d}`);
    await expect(page.getByTestId("follow-up-index")).toContainText("100.0%");
    await expect(page.getByTestId("enrolled-total")).toHaveText(String(cut(d).enrolled.total));
  }
  expect((await page.goto("/trial/altshock2/cuts"))?.status()).toBe(403);
});

test("safety over time: cumulative incidence and the serious-event listing", async ({ page }, info) => {
  await signIn(page, "e2e-stat");
  await page.goto("/trial/altshock2/safety");
  // R (validation/cumulative_incidence_demo.R): BARC>=3 bleeding by day 60,
  // IABP 0.1698, SoC 0.0833.
  const inc = page.getByTestId("incidence").locator("tbody tr");
  await expect(inc.nth(0)).toContainText("BARC>=3 bleeding");
  await expect(inc.nth(0)).toContainText("SoC");
  await expect(inc.nth(0).locator("td").last()).toHaveText("8.3%");
  await expect(inc.nth(1)).toContainText("IABP + SoC");
  await expect(inc.nth(1).locator("td").last()).toHaveText("17.0%");
  // R: serious or fatal events IABP 61 (10 fatal, 33 subjects), SoC 49 (12, 24).
  const summary = page.getByTestId("serious-summary");
  await expect(summary.locator("tr", { hasText: "IABP + SoC" })).toContainText(/61\s*10\s*33/);
  // Paged, newest first: 50 of the 110 events, and the others a link away.
  await expect(page.getByTestId("serious-listing").locator("tbody tr")).toHaveCount(50);
  await expect(page.getByTestId("serious-count")).toContainText("Events 1–50 of 110");
  await page.getByTestId("serious-count").getByRole("link", { name: "Older" }).click();
  await expect(page).toHaveURL(/serious_page=2/);
  await expect(page.getByTestId("serious-count")).toContainText("Events 51–100 of 110");
  // Deaths: R (validation/report_tables.R) 12 IABP, 14 SoC; 10 and 12 by day 60.
  const deaths = page.getByTestId("deaths");
  await expect(deaths.locator("tr", { hasText: "any time" })).toContainText(/14 \(29\.2%\)\s*12 \(22\.6%\)\s*26/);
  await expect(page.getByTestId("deaths-listing").locator("tbody tr")).toHaveCount(26);
  if (info.project.name === "js-on") {
    const chart = page.getByTestId("incidence-chart");
    await expect(chart.locator(".scatterlayer .trace")).toHaveCount(2);
    await expect(chart.locator(".updatemenu-container")).toHaveCount(1);
  }
});

test("keyboard: skip link first, then the tabs and the cut picker", async ({ page }) => {
  await signIn(page, "e2e-dsmb");
  await page.goto("/trial/altshock2/safety");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await expect(page.getByRole("link", { name: "Safety" })).toHaveAttribute("aria-current", "page");
  const select = page.getByTestId("cut-select");
  await select.focus();
  await page.keyboard.press("ArrowDown");
  await expect(select).toHaveValue("2023-09-30");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Show", exact: true })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/cut=2023-09-30/);
});

test("a page prints as a report page", async ({ page }) => {
  await signIn(page, "e2e-stat");
  await page.goto("/trial/altshock2/safety");
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".trial-bar")).toBeHidden();
  await expect(page.locator(".userbar")).toBeHidden();
  await expect(page.getByTestId("closed-safety")).toBeVisible();
  await expect(page.getByTestId("incidence-steps")).toBeVisible();
  const listing = page.getByTestId("serious-listing");
  await expect(listing.locator("tbody tr").last()).toBeVisible();
});

test("the efficacy page's charts: time from navigation to drawn", async ({ page }, info) => {
  test.skip(info.project.name !== "js-on", "charts need JavaScript");
  await signIn(page, "e2e-stat");
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = Date.now();
    await page.goto("/trial/altshock2/efficacy");
    await expect(page.getByTestId("cp-chart").locator("svg.main-svg").first()).toBeVisible();
    await expect(page.getByTestId("boundary-chart").locator("svg.main-svg").first()).toBeVisible();
    times.push(Date.now() - start);
  }
  // Reported, not asserted (a timing is a measurement, not a test): see the
  // issue note and scripts/test.sh's summary.
  info.annotations.push({ type: "efficacy-charts-ms", description: times.join(",") });
  console.log(`efficacy charts drawn after (ms): ${times.join(", ")}`);
});

test("the overview's report tables: CONSORT flow and baseline, by role", async ({ page }, info) => {
  // The seed (expected.json): 53 / 48 randomized, 6 SoC crossed over to IABP.
  const last = cut("2024-12-31");
  await signIn(page, "e2e-stat");
  await page.goto("/trial/altshock2");
  const consort = page.getByTestId("consort").locator("svg");
  await expect(consort).toBeVisible();
  await expect(consort).toContainText(`Allocated to SoC`);
  await expect(consort).toContainText(`n = ${last.enrolled.SOC}`);
  await expect(consort).toContainText(`Crossed over: ${last.crossover_to_IABP.SOC}`);
  const flow = page.getByTestId("disposition");
  await expect(flow.locator("thead")).toContainText("IABP + SoC");
  await expect(flow.locator("tr", { hasText: "Randomized" })).toContainText(
    new RegExp(`${last.enrolled.SOC}\\s*${last.enrolled.IABP}\\s*${last.enrolled.total}`),
  );
  await expect(flow.locator("tr", { hasText: "Crossed over" })).toContainText(
    `${last.crossover_to_IABP.SOC} (12.5%)`,
  );
  const male = last.baseline.male;
  await expect(page.getByTestId("baseline").getByRole("row", { name: /^Male / })).toContainText(
    new RegExp(`${male.SOC} \\(.*${male.IABP} \\(.*${male.total} \\(`),
  );
  await page.screenshot({ path: info.outputPath("overview-report-tables-stat.png"), fullPage: true });

  // Trial conduct: exposure by group, the 12 INCDVFL deviations pooled.
  await expect(page.getByTestId("exposure").locator("tr", { hasText: "Patient-years" })).toBeVisible();
  await expect(page.getByTestId("deviations").locator("tr", { hasText: "any deviation" })).toContainText("12 (11.9%)");

  // The sponsor: one pooled column, no crossover, no arm.
  await signIn(page, "e2e-sponsor");
  await page.goto("/trial/altshock2");
  const pooled = page.getByTestId("consort").locator("svg");
  await expect(pooled).toContainText("All groups, pooled");
  await expect(pooled).not.toContainText("Crossed over");
  await expect(page.getByTestId("disposition").locator("thead th")).toHaveCount(2);
  await expect(page.getByText("Crossovers between groups need the arms")).toBeVisible();

  // A DSMB member: coded groups in the boxes.
  await signIn(page, "e2e-dsmb");
  await page.goto("/trial/altshock2");
  await expect(page.getByTestId("consort").locator("svg")).toContainText("Allocated to Group");
  await page.emulateMedia({ media: "print" });
  await expect(page.getByTestId("consort").locator("svg")).toBeVisible();
});

test("adverse events by organ class and term: categories, dot chart, pooled for the sponsor", async ({ page }, info) => {
  const js = info.project.name === "js-on";
  await signIn(page, "e2e-stat");
  // The CDISC pilot: R (validation/report_tables.R) counts 65 / 77 / 76
  // subjects with a treatment-emergent event, of 86 / 84 / 84.
  await page.goto("/trial/cdisc-pilot01/safety");
  const table = page.getByTestId("ae-table");
  await expect(table.locator("thead")).toContainText("Placebo (N = 86)");
  await expect(table.locator("tbody tr").first()).toContainText(/65 \(75\.6%\) \[281\]/);
  await expect(table.locator("tr.heading").first()).toContainText("GENERAL DISORDERS");
  if (js) await expect(page.getByTestId("ae-dot-chart").locator("svg.main-svg").first()).toBeVisible();
  // The signal screen (R: validation/ae_signals.R): pruritus flagged first.
  await expect(page.getByTestId("ae-signals-summary")).toContainText("Xanomeline High Dose vs Placebo: 23 terms in 8 organ classes screened");
  await expect(page.getByTestId("ae-signals").locator("tbody tr").first()).toContainText(/PRURITUS.*26 \(31\.0%\)\s*8 \(9\.3%\)\s*21\.7\s*3\.33/);
  if (js) await expect(page.getByTestId("ae-volcano").locator("svg.main-svg").first()).toBeVisible();
  else await expect(page.getByTestId("ae-volcano-svg")).toBeAttached();
  await page.screenshot({ path: info.outputPath("ae-table-stat.png"), fullPage: true });
  // The category form works with or without JavaScript.
  await page.getByTestId("ae-select").selectOption("serious");
  await page.getByRole("button", { name: "Show category" }).click();
  await expect(page).toHaveURL(/ae=serious/);
  await expect(page.getByTestId("ae-table").locator("tbody tr").first()).toContainText("Serious");
  await page.goto("/trial/cdisc-pilot01/safety?ae=discontinuation");
  await expect(page.getByTestId("ae-not-collected")).toBeVisible();

  await signIn(page, "e2e-sponsor");
  await page.goto("/trial/altshock2/safety");
  const pooled = page.getByTestId("ae-table");
  await expect(pooled.locator("thead th")).toHaveCount(2);
  await expect(pooled).toContainText("suppressed");
  await expect(page.getByTestId("ae-dot-chart")).toHaveCount(0);
  await expect(page.getByTestId("ae-signals-summary")).toHaveCount(0);
});
