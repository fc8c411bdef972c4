import { test, expect } from "@playwright/test";
import { consoleErrors, signIn } from "./auth";

// Where the trial stands, first on the overview. A DSMB member who has not
// decoded (one per browser project, so that each starts coded) reaches the
// Altshock-2 verdict from the trials list: the trial, then the inline
// "Decode (audited)", which returns to the same place.
test("a DSMB member reaches the Altshock-2 verdict in at most 3 clicks after sign-in", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, `e2e-verdict-${info.project.name}`);
  let clicks = 0;
  await page.getByRole("link", { name: "Altshock-2 (synthetic reconstruction)" }).click();
  clicks++;
  const standing = page.getByTestId("standing");
  await expect(standing.getByTestId("standing-look")).toHaveText("formal look 1 of 2");
  await expect(standing.getByTestId("standing-withheld")).toContainText("decode");
  await expect(standing.getByTestId("standing-verdict")).toHaveCount(0);
  await page.screenshot({ path: info.outputPath("standing-coded.png"), fullPage: false });
  await standing.getByTestId("standing-decode").click();
  clicks++;
  await expect(page).toHaveURL(/\/trial\/altshock2\?cut=2024-12-31#standing$/);
  await expect(page.getByTestId("standing-verdict")).toContainText("futility");
  await expect(page.getByTestId("standing-basis")).toContainText("0.746");
  await expect(page.getByTestId("standing-basis")).toContainText("9.5%");
  expect(clicks).toBeLessThanOrEqual(3);
  await page.screenshot({ path: info.outputPath("standing-decoded.png"), fullPage: false });
  expect(errors, errors.join("\n")).toEqual([]);
});

test("the sponsor's standing is pooled: status and looks, no verdict", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-sponsor");
  await page.getByRole("link", { name: "Altshock-2 (synthetic reconstruction)" }).click();
  const standing = page.getByTestId("standing");
  await expect(standing.getByTestId("standing-status")).toHaveText(/enrolling|stopped|follow-up|paused/);
  await expect(standing.getByTestId("standing-looks")).toContainText("planned looks");
  await expect(standing.getByTestId("standing-look")).toHaveCount(0);
  await expect(standing.getByTestId("standing-verdict")).toHaveCount(0);
  await expect(standing).not.toContainText("IABP");
  await page.screenshot({ path: info.outputPath("standing-sponsor.png"), fullPage: false });
  expect(errors, errors.join("\n")).toEqual([]);
});
