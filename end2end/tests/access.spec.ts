import { test, expect } from "@playwright/test";
import { consoleErrors, signIn } from "./auth";

// Users made by scripts/test.sh before the server starts (one role each on
// both demo trials): e2e-sponsor, e2e-stat, e2e-dsmb, and one DSMB member per
// browser project for the decode flow, which changes what they see.

test("without a session every page leads to the sign-in page", async ({ page }) => {
  await page.goto("/trial/altshock2");
  await expect(page).toHaveURL(/\/login\?next=\/trial\/altshock2$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Username").fill("e2e-sponsor");
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("login-error")).toHaveText("Wrong username or password.");
});

test("the sponsor sees pooled numbers only", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-sponsor");
  await expect(page.getByTestId("trials").locator("tbody tr")).toHaveCount(2);
  await page.goto("/trial/altshock2");
  await expect(page.getByTestId("enrolled-total")).toHaveText("101");
  await expect(page.getByTestId("by-arm")).toHaveCount(0);
  const html = await page.content();
  for (const word of ["IABP", "SoC", "Group A", "Enrollment by arm"]) {
    expect(html, `the sponsor's page shows ${word}`).not.toContain(word);
  }
  expect((await page.goto("/trial/altshock2/decode"))?.status()).toBe(403);
  expect((await page.goto("/audit"))?.status()).toBe(403);
  await page.screenshot({ path: info.outputPath("sponsor.png"), fullPage: true });
  // A closed page refuses the sponsor in words, with its own heading: the
  // error arrives typed, never as an encoding.
  expect((await page.goto("/trial/altshock2/efficacy"))?.status()).toBe(403);
  const refusal = page.getByRole("alert");
  await expect(refusal).toContainText("Not open to your role");
  // It says what the role may see instead.
  await expect(refusal).toContainText("this view is for the closed session");
  await expect(refusal).toContainText("As the sponsor you see data pooled over all groups");
  await expect(refusal).not.toContainText("ServerError");
  await page.screenshot({ path: info.outputPath("sponsor-refused.png"), fullPage: false });
  expect(errors.filter((e) => !e.includes("403")), errors.join("\n")).toEqual([]);
});

test("a DSMB member sees coded groups", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-dsmb");
  await page.goto("/trial/altshock2");
  const rows = page.getByTestId("by-arm").locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).locator("th")).toHaveText("Group A");
  await expect(rows.nth(1).locator("th")).toHaveText("Group B");
  const counts = [await rows.nth(0).locator("td").first().innerText(), await rows.nth(1).locator("td").first().innerText()];
  expect(counts.sort()).toEqual(["48", "53"]);
  expect(await page.getByTestId("by-arm").innerText()).not.toContain("IABP");
  await expect(page.getByTestId("decode-link")).toBeVisible();
  await expect(page.getByRole("link", { name: "Audit trail" })).toHaveCount(0);
  await page.screenshot({ path: info.outputPath("dsmb.png"), fullPage: true });
  expect(errors, errors.join("\n")).toEqual([]);
});

test("the statistician sees arms decoded and the audit trail", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-stat");
  await page.goto("/trial/altshock2");
  const rows = page.getByTestId("by-arm").locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId("by-arm")).toContainText("IABP + SoC");
  await expect(page.getByTestId("by-arm")).toContainText("53");
  await page.getByRole("link", { name: "Audit trail" }).click();
  await expect(page.getByTestId("audit").locator("tbody tr").first()).toBeVisible();
  await page.screenshot({ path: info.outputPath("statistician.png"), fullPage: true });
  expect(errors, errors.join("\n")).toEqual([]);
});

test("a DSMB member's decode is confirmed, shown, and audited", async ({ page }, info) => {
  const member = `e2e-dsmb-${info.project.name}`;
  await signIn(page, member);
  await page.goto("/trial/altshock2");
  await expect(page.getByTestId("by-arm")).toContainText("Group A");
  await page.getByTestId("decode-link").click();
  await expect(page.getByRole("heading", { name: "Decode the groups?" })).toBeVisible();
  await page.getByTestId("confirm-decode").click();
  await expect(page).toHaveURL(/\/trial\/altshock2$/);
  await expect(page.getByTestId("by-arm")).toContainText("IABP + SoC");
  await expect(page.getByTestId("arm-note")).toContainText("You decoded the groups");
  // Sign out; the statistician finds the decode in the audit trail.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await signIn(page, "e2e-stat");
  await page.goto(`/audit?action=decode&user=${member}`);
  const rows = page.getByTestId("audit").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("altshock2");
  await expect(rows.first()).toContainText(member);
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, "e2e-sponsor");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});
