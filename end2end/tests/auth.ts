import { expect, type Page } from "@playwright/test";

/** The password scripts/test.sh gave every e2e user (random per run). */
export const PASSWORD = process.env.E2E_PASSWORD ?? "";

/** Sign in through the form, as a person does. */
export async function signIn(page: Page, user: string) {
  expect(PASSWORD, "E2E_PASSWORD is set by scripts/test.sh").not.toBe("");
  await page.goto("/login");
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("username")).toHaveText(user);
}

/** Collect console errors and uncaught exceptions of a page. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));
  return errors;
}
