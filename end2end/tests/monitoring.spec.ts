import { test, expect } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";
import { consoleErrors, signIn } from "./auth";

// Counts from the reconstruction's own expected.json; statistics as R and
// rpact give them (see tests/it/summary.rs and validation/).
const expected = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../demo/altshock2/expected.json"), "utf8"),
);
const safety = expected.cuts["cut-2024-12-31"].safety_subjects;

test("the statistician reviews Altshock-2 safety by arm", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-stat");
  await page.goto("/trial/altshock2/safety");
  const open = page.getByTestId("open-safety");
  await expect(open.locator("tr", { hasText: "BARC>=3 bleeding" })).toContainText(
    String(safety.bleeding_barc_ge3.total),
  );
  const row = page.getByTestId("closed-safety").locator("tr", { hasText: "BARC>=3 bleeding" });
  await expect(row).toContainText(`${safety.bleeding_barc_ge3.IABP}/53`);
  await expect(row).toContainText(`${safety.bleeding_barc_ge3.SOC}/48`);
  // The paper's convention: chi-square without continuity correction.
  await expect(row).toContainText("p = 0.195 (chi-square)");
  const vascular = page.getByTestId("closed-safety").locator("tr", { hasText: "Vascular complications" });
  await expect(vascular).toContainText("p = 0.119 (Fisher exact)");
  // The caption says the configured test, and the charter's rules are there:
  // the bleeding threshold signals in IABP + SoC (9/53), stroke does not.
  await expect(page.getByText("Pearson's chi-square test without continuity correction").first()).toBeVisible();
  const rules = page.getByTestId("safety-rules");
  await expect(rules.locator('[data-kind="posterior"]')).toHaveAttribute("data-signal", "true");
  await expect(rules.locator('[data-kind="sequential"]')).toHaveAttribute("data-signal", "false");
  await expect(rules.locator('[data-kind="posterior"] tr', { hasText: "9/53" })).toContainText("0.9602");
  await page.screenshot({ path: info.outputPath("safety-statistician.png"), fullPage: true });
  expect(errors, errors.join("\n")).toEqual([]);
});

test("the statistician finds the potential Hy's law cases and opens a lab profile", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-stat");
  await page.goto("/trial/altshock2/safety");
  // The data's answer key: three subjects in the Hy's law range at the final cut.
  const listing = page.getByTestId("hys-law-listing");
  await expect(listing.locator("tbody tr")).toHaveCount(3);
  await expect(page.getByTestId("edish-quadrants")).toContainText("Potential Hy's law");
  if (info.project.name === "js-on") {
    await expect(page.locator("#edish-chart .main-svg").first()).toBeVisible();
  }
  await page.screenshot({ path: info.outputPath("labs-statistician.png"), fullPage: true });
  // A plain link: the profile opens with or without JavaScript.
  await listing.getByRole("link", { name: "ALTSHOCK2-06-007" }).click();
  const profile = page.getByTestId("lab-profile");
  await expect(profile).toContainText("Lab profile: ALTSHOCK2-06-007 (IABP + SoC)");
  await expect(page.getByTestId("lab-profile-values")).toContainText("Day 1 (baseline)");
  if (info.project.name === "js-on") {
    await expect(page.locator("#lab-profile-chart .main-svg").first()).toBeVisible();
  }
  await page.screenshot({ path: info.outputPath("lab-profile.png"), fullPage: true });
  // Every configured parameter in its units, not only the liver tests.
  const values = page.getByTestId("lab-profile-values");
  await expect(values).toContainText("Alanine Aminotransferase (U/L)");
  await expect(values).toContainText("Hemoglobin (g/dL)");
  await expect(page).toHaveTitle(/^Lab profile ALTSHOCK2-06-007 · altshock2 · cut 2024-12-31/);
  await expect(page.getByTestId("lab-profile-events").locator("thead")).toContainText("Serious");
  // Any subject, from the deaths listing and by identifier.
  await page.goto("/trial/altshock2/safety");
  const death = page.getByTestId("deaths-listing").locator("tbody tr").first().getByRole("link");
  const id = (await death.textContent())!.trim();
  await death.click();
  await expect(page.getByTestId("lab-profile")).toContainText(`Lab profile: ${id}`);
  await expect(page.getByTestId("lab-profile-events")).toContainText("Death");
  await page.goto("/trial/altshock2/safety");
  const form = page.getByTestId("profile-by-id");
  await form.getByLabel("Lab profile of subject").fill("ALTSHOCK2-01-001");
  await form.getByRole("button", { name: "Open" }).click();
  await expect(page.getByTestId("lab-profile")).toContainText("Lab profile: ALTSHOCK2-01-001");
  await expect(page.getByTestId("lab-profile-values")).toContainText("Day 1 (baseline)");
  expect(errors, errors.join("\n")).toEqual([]);
});

test("a coded DSMB member sees no directional result until the decode", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-dsmb");
  await page.goto("/trial/altshock2/efficacy");
  await expect(page.getByTestId("withheld")).toContainText("decode");
  await expect(page.getByTestId("primary")).toContainText("Group A");
  await expect(page.getByTestId("z")).toHaveCount(0);
  await expect(page.getByTestId("verdict")).toHaveCount(0);
  const html = await page.content();
  expect(html).not.toContain("IABP");
  await page.screenshot({ path: info.outputPath("efficacy-dsmb-coded.png"), fullPage: true });
  expect(errors, errors.join("\n")).toEqual([]);
});

test("the statistician reads the Altshock-2 futility look", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-stat");
  await page.goto("/trial/altshock2/efficacy");
  await expect(page.getByTestId("z")).toHaveText("0.746");
  await expect(page.getByTestId("cp-design")).toHaveText("0.516");
  await expect(page.getByTestId("cp-trend")).toHaveText("0.095");
  await expect(page.getByTestId("cp-null")).toHaveText("0.020");
  await expect(page.getByTestId("verdict")).toContainText("stopping for futility");
  await expect(page.getByTestId("look-label")).toHaveText("Formal look 1 of 2");
  await expect(page.getByTestId("verdict-basis")).toContainText("conditional power under the current trend 9.5%");
  await expect(page.getByTestId("bounds").locator("tbody tr")).toHaveCount(2);
  // The conditional-power guideline on the z scale (R: 0.978 at t = 0.505),
  // beside the nominal p and the alpha spent, and drawn as a region.
  await expect(page.getByTestId("bounds").locator("thead")).toContainText("Futility z (CP < 20%)");
  await expect(page.getByTestId("bounds").locator("tbody tr").first()).toContainText("0.978");
  await expect(page.getByTestId("rci")).toBeVisible();
  // The seed's Table 3 secondary endpoints (SoC vs IABP + SoC), with the
  // trial's tests; Fisher's 1 as the paper prints it.
  const secondary = page.getByTestId("secondary");
  await expect(secondary.locator("tr", { hasText: "Durable LVAD" })).toContainText(/7\/48 \(14\.6%\)\s*12\/53 \(22\.6%\)/);
  await expect(secondary.locator("tr", { hasText: "Durable LVAD" })).toContainText("p = 0.301 (chi-square)");
  await expect(secondary.locator("tr", { hasText: "Escalation to Impella" })).toContainText("p > 0.99 (Fisher exact)");
  await expect(secondary.locator("tr", { hasText: "Overall survival" })).toContainText("log-rank p = 0.439");
  // Beyond the primary: a continuous secondary, the posteriors, benefit-risk.
  await expect(page.getByTestId("secondary-continuous")).toContainText("IABP + SoC vs SoC: 0.09 (-0.33 to 0.51)");
  await expect(page.getByTestId("bayes").locator("tr", { hasText: "Uniform" })).toContainText(/0\.060 \(-0\.099 to 0\.221\)\s*0\.770\s*0\.230\s*0\.310/);
  await expect(page.getByTestId("benefit-risk")).toContainText("0.98 (0.50 to 1.93)");
  await expect(page.getByTestId("benefit-risk-levels").locator("tr", { hasText: "Death by day 60" })).toContainText("578 (22.7%)");
  if (info.project.name === "js-on") {
    await expect(page.getByTestId("benefit-risk-chart").locator("svg.main-svg").first()).toBeVisible();
    await expect(page.getByTestId("boundary-chart").locator("svg.main-svg").first()).toBeVisible();
    await expect(page.getByTestId("cp-chart").locator("svg.main-svg").first()).toBeVisible();
    await expect(page.getByTestId("boundary-chart").locator(".legendtext", { hasText: "Futility region" })).toBeVisible();
  } else {
    await expect(page.locator(".chart-svg svg text", { hasText: "Futility region" })).toHaveCount(1);
    await expect(page.getByTestId("benefit-risk-chart-svg")).toBeAttached();
  }
  await page.screenshot({ path: info.outputPath("efficacy-statistician.png"), fullPage: true });
  // An earlier cut is a monitoring cut: no formal test, no verdict.
  await page.goto("/trial/altshock2/efficacy?cut=2022-06-30");
  await expect(page.getByTestId("look-label")).toContainText("Monitoring cut, no formal test");
  await expect(page.getByTestId("verdict")).toHaveAttribute("data-kind", "no-formal-test");
  await expect(page.getByTestId("verdict")).not.toContainText("futility");
  expect(errors, errors.join("\n")).toEqual([]);
});

test("the sponsor's safety page is pooled, small cells suppressed", async ({ page }, info) => {
  await signIn(page, "e2e-sponsor");
  await page.goto("/trial/altshock2/safety");
  const stroke = page.getByTestId("open-safety").locator("tr", { hasText: "Stroke" });
  await expect(stroke).toContainText("<5");
  await expect(page.getByTestId("closed-safety")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Efficacy and futility" })).toHaveCount(0);
  const html = await page.content();
  for (const word of ["IABP", "SoC", "Group A", "by arm"]) expect(html).not.toContain(word);
  expect((await page.goto("/trial/altshock2/efficacy"))?.status()).toBe(403);
  await page.screenshot({ path: info.outputPath("safety-sponsor.png"), fullPage: true });
});

test("the CDISC pilot's time-to-event summaries", async ({ page }, info) => {
  await signIn(page, "e2e-stat");
  await page.goto("/trial/cdisc-pilot01/efficacy");
  await expect(page.getByTestId("km").locator("tbody tr")).toHaveCount(3);
  await expect(page.getByTestId("logrank-p")).toHaveText("p < 0.001");
  await expect(page.getByTestId("cox").locator("tbody tr")).toHaveCount(2);
  await expect(page.getByTestId("cox")).toContainText("5.026");
  await expect(page.getByTestId("design")).toContainText("Hypothetical design");
  await page.screenshot({ path: info.outputPath("efficacy-cdisc.png"), fullPage: true });
});

test("the overview projects the next look; the cuts page lists the cuts", async ({ page }, info) => {
  await signIn(page, "e2e-stat");
  await page.goto("/trial/altshock2");
  // The next look is projected while one is to come: not once the board
  // signed a stop (the review-cycle test signs one for Altshock-2).
  const status = page.getByTestId("standing-status");
  await expect(status).toHaveText(/./);
  if ((await status.textContent())?.startsWith("stopped")) {
    await expect(page.getByTestId("projection")).toHaveCount(0);
    await expect(page.getByTestId("standing-next-look")).toHaveCount(0);
  } else {
    await expect(page.getByTestId("projection")).toContainText("Look 2 (information 1.00) needs 200 subjects");
    await expect(page.getByTestId("standing-next-look")).toContainText("look 2 (information 1.00, 200 subjects)");
  }
  await page.getByRole("link", { name: "Data cuts" }).click();
  const rows = page.getByTestId("cuts").locator("tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText("cut-2024-12-31");
  await expect(rows.nth(0).getByTestId("cut-status")).toHaveText("serving");
  await expect(rows.nth(0)).toContainText(/[0-9a-f]{64}/);
  await page.screenshot({ path: info.outputPath("cuts-statistician.png"), fullPage: true });
});

test("survival curves, numbers at risk and the subgroup forest", async ({ page }, info) => {
  await signIn(page, "e2e-stat");
  await page.goto("/trial/cdisc-pilot01/efficacy");
  await expect(page.getByTestId("at-risk").locator("tbody tr")).toHaveCount(3);
  await expect(page.getByTestId("at-risk").locator("tbody tr").first().locator("td").first()).toHaveText("86");
  await expect(page.getByTestId("forest").locator("tbody tr")).toHaveCount(5);
  // Conditional power is below 1% over the usual hazard ratios: the curve
  // runs on to where it moves, and the observed HR (far above 1) is placed
  // in words, having no mark on the curve.
  const note = page.getByTestId("cp-curve-note");
  await expect(note).toContainText("stays below 1% over effects HR 0.500 to HR 1.200");
  await expect(note).toContainText("runs on to HR 0.275");
  await expect(note).toContainText("The observed effect (4.595) lies outside the range shown.");
  if (info.project.name === "js-on") {
    // Three curves and their three sets of censoring ticks (the bands wait
    // for a click on their legend entry).
    const km = page.getByTestId("km-chart");
    await expect(km.locator(".scatterlayer .trace")).toHaveCount(6);
    // The numbers at risk under the axis, and a legend that covers no data:
    // it ends above the plot area.
    await expect(km.locator(".annotation-text", { hasText: "At risk" })).toBeVisible();
    const legend = await km.locator(".legend").boundingBox();
    const area = await km.locator(".nsewdrag").first().boundingBox();
    expect(legend!.y + legend!.height).toBeLessThanOrEqual(area!.y + 1);
    // Each group's curve runs to the last day the table has it at risk.
    const heads = await page.getByTestId("at-risk").locator("thead th").allTextContents();
    const days = heads.slice(1).map(Number);
    const rows = page.getByTestId("at-risk").locator("tbody tr");
    const ends: Record<string, number> = await km.evaluate((el) => {
      // The chart's own element is the one plotly.js drew into.
      const gd = el as unknown as { data: { name: string; x: number[] }[] };
      return Object.fromEntries(gd.data.map((t) => [t.name, Math.max(...t.x)]));
    });
    for (let r = 0; r < (await rows.count()); r++) {
      const group = (await rows.nth(r).locator("th").textContent())!.trim();
      const counts = (await rows.nth(r).locator("td").allTextContents()).map(Number);
      const last = Math.max(...days.filter((_, i) => counts[i] > 0));
      expect(ends[group], `${group}: curve end`).toBeGreaterThanOrEqual(last);
    }
    await expect(page.getByTestId("forest-chart").locator("svg.main-svg").first()).toBeVisible();
  }
  await page.screenshot({ path: info.outputPath("efficacy-cdisc-survival.png"), fullPage: true });
  await page.goto("/trial/altshock2/efficacy");
  await expect(page.getByTestId("forest").locator("tbody tr")).toHaveCount(14);
  // Each subgroup by its configured label, with events/n by group.
  await expect(page.getByTestId("forest")).toContainText("Mean arterial pressure, mm Hg: <=70");
  await expect(page.getByTestId("forest").locator("thead")).toContainText("SoC: events/n");
  if (info.project.name === "js-on") {
    // The forest's longest label is drawn whole, inside the chart.
    const forest = page.getByTestId("forest-chart");
    const chart = await forest.boundingBox();
    const ticks = forest.locator(".ytick text");
    await expect(ticks).toHaveCount(14);
    for (let i = 0; i < 14; i++) {
      const b = await ticks.nth(i).boundingBox();
      expect(b!.x, await ticks.nth(i).textContent() ?? "").toBeGreaterThanOrEqual(chart!.x);
    }
  }
});
