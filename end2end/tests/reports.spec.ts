import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { consoleErrors, signIn } from "./auth";

// The report documents as their users handle them, with JavaScript on and
// off (the build and release forms are plain posts, the downloads plain
// links): the statistician builds the open report of a cut and releases
// it; the sponsor downloads it, with their name on it, and never sees a
// closed report.

test("the statistician builds and releases an open report; the sponsor downloads it personalised", async ({ browser }, info) => {
  const stat = await browser.newPage();
  const statErrors = consoleErrors(stat);
  await signIn(stat, "e2e-stat");
  await stat.goto("/trial/altshock2/reports");
  const rows = stat.getByTestId("report-row");
  const before = await rows.count();
  const form = stat.getByTestId("build-form");
  await form.getByTestId("build-cut").selectOption("2024-12-31");
  await form.getByTestId("build-kind").selectOption("open");
  await form.getByTestId("build").click();
  await expect(stat).toHaveURL(/\/trial\/altshock2\/reports$/);
  await expect(rows).toHaveCount(before + 1);
  const newest = rows.filter({ hasText: "Open report" }).filter({ hasText: "not released" }).first();
  await expect(newest).toContainText("2024-12-31");
  await newest.getByTestId("release").click();
  await expect(stat).toHaveURL(/\/trial\/altshock2\/reports$/);
  await stat.screenshot({ path: info.outputPath("reports-statistician.png"), fullPage: true });
  expect(statErrors, statErrors.join("\n")).toEqual([]);

  const sponsor = await browser.newPage();
  const sponsorErrors = consoleErrors(sponsor);
  await signIn(sponsor, "e2e-sponsor");
  await sponsor.goto("/trial/altshock2/reports");
  const released = sponsor.getByTestId("report-row");
  await expect(released.first()).toContainText("Open report");
  await expect(sponsor.getByTestId("reports")).not.toContainText("Closed report");
  await expect(sponsor.getByTestId("build-form")).toHaveCount(0);
  const download = sponsor.waitForEvent("download");
  await released.first().getByTestId("download-html").click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^altshock2-2024-12-31-open-v\d+\.html$/);
  const html = readFileSync((await file.path())!, "utf8");
  expect(html).toContain("OPEN REPORT");
  expect(html).toContain("CONFIDENTIAL · e2e-sponsor · downloaded");
  for (const word of ["IABP", "SoC", "Group A", "by_arm"]) {
    expect(html, word).not.toContain(word);
  }
  await sponsor.screenshot({ path: info.outputPath("reports-sponsor.png"), fullPage: true });
  expect(sponsorErrors, sponsorErrors.join("\n")).toEqual([]);
});
