import { test, expect, type Browser } from "@playwright/test";
import * as path from "node:path";
import { consoleErrors, signIn } from "./auth";

// A new data cut through the page, as the statistician receives one: a
// broken upload shows its problems by file, row and column; a good one is
// registered and served at once, and a DSMB member signed in meanwhile
// finds it in the cut picker without a restart. The server runs on a copy
// of the demo (scripts/test.sh), and this file runs last: it adds a cut.

const cut = path.join(__dirname, "../../demo/altshock2/cut-2024-12-31");

async function uploadFlow(browser: Browser, date: string) {
  const member = await browser.newPage();
  await signIn(member, "e2e-dsmb");
  await member.goto("/trial/altshock2");
  await expect(member.getByTestId("cut-select")).not.toContainText(date);

  const stat = await browser.newPage();
  const errors = consoleErrors(stat);
  await signIn(stat, "e2e-stat");
  await stat.goto("/trial/altshock2/cuts");
  const form = stat.getByTestId("upload-form");

  // The unblinded part declared blinded: its arm column is refused by name.
  await form.getByTestId("upload-date").fill(date);
  await form.getByTestId("upload-blinded").check();
  await form.getByTestId("upload-datasets").setInputFiles(
    ["adsl.parquet", "adae.parquet", "adtte.parquet"].map((f) => path.join(cut, "unblinded", f)),
  );
  await form.getByTestId("upload-randlist").setInputFiles(path.join(cut, "randlist.csv"));
  await form.getByTestId("upload").click();
  await expect(stat).toHaveURL(/\/trial\/altshock2\/cuts\/uploads\/[0-9a-f]+$/);
  const problems = stat.getByTestId("check-problems");
  await expect(problems).toContainText("TRT01P", { timeout: 20_000 });
  await expect(stat.getByTestId("register")).toHaveCount(0);
  await stat.getByTestId("discard").click();
  await expect(stat).toHaveURL(/\/trial\/altshock2\/cuts$/);

  // The blinded part with its randomization list passes and is registered.
  await form.getByTestId("upload-date").fill(date);
  await form.getByTestId("upload-blinded").check();
  await form.getByTestId("upload-datasets").setInputFiles(
    ["adsl.csv", "adae.csv", "adtte.csv"].map((f) => path.join(cut, "blinded", f)),
  );
  await form.getByTestId("upload-randlist").setInputFiles(path.join(cut, "randlist.csv"));
  await form.getByTestId("upload").click();
  await expect(stat).toHaveURL(/\/trial\/altshock2\/cuts\/uploads\/[0-9a-f]+$/);
  await expect(stat.getByTestId("check-state")).toHaveText("passed", { timeout: 20_000 });
  await expect(stat.getByTestId("check-summary")).toContainText("101");
  await stat.getByTestId("register").click();
  await expect(stat).toHaveURL(/\/trial\/altshock2\/cuts$/);
  await expect(stat.getByTestId("cuts")).toContainText(`cut-${date}`);
  expect(errors, errors.join("\n")).toEqual([]);

  // The member, signed in all along, sees the new cut without a restart.
  await member.reload();
  await expect(member.getByTestId("cut-select")).toContainText(date);
}

test.describe("with JavaScript", () => {
  test.use({ javaScriptEnabled: true });
  test("the statistician uploads a broken cut, sees its problems, then registers a good one that the DSMB member sees", async ({ browser }) => {
    await uploadFlow(browser, "2025-03-31");
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the same with plain form posts; the check's page refreshes itself", async ({ browser }) => {
    await uploadFlow(browser, "2025-06-30");
  });
});
