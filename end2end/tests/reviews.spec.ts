import { test, expect } from "@playwright/test";
import { consoleErrors, PASSWORD, signIn } from "./auth";

// The review cycle as its users go through it, with JavaScript on and off
// (the forms are plain posts): the statistician records a meeting, the
// chair (e2e-chair, made chair by scripts/test.sh) signs it with the
// password, and the sponsor sees the recommendation and the open minutes,
// never the closed ones.

test("a meeting is recorded, signed by the chair and seen by the sponsor", async ({ browser }, info) => {
  const tag = `${info.project.name}-${Date.now()}`;
  const open = `Open session ${tag}: enrollment reviewed`;
  const closed = `Closed session ${tag}: mortality by group`;

  const stat = await browser.newPage();
  const statErrors = consoleErrors(stat);
  await signIn(stat, "e2e-stat");
  await stat.goto("/trial/altshock2/reviews");
  const form = stat.getByTestId("meeting-form");
  await form.getByLabel("Meeting date").fill("2025-01-20");
  await form.getByLabel("Cut reviewed").selectOption("2023-09-30");
  await form.getByLabel("Open minutes").fill(open);
  await form.getByLabel("Closed minutes").fill(closed);
  await form.getByTestId("recommendation").selectOption("stop_futility");
  await form.getByLabel("Rationale (closed)").fill("Conditional power below the futility threshold");
  await form.getByTestId("save-meeting").click();
  await expect(stat).toHaveURL(/\/trial\/altshock2\/reviews\/\d+$/);
  const url = stat.url();
  await expect(stat.getByTestId("signature")).toHaveText("Not signed yet.");
  await expect(stat.getByTestId("closed-minutes")).toHaveText(closed);
  expect(statErrors, statErrors.join("\n")).toEqual([]);

  // The sponsor does not see an unsigned record.
  const sponsor = await browser.newPage();
  await signIn(sponsor, "e2e-sponsor");
  expect((await sponsor.goto(url))?.status()).toBe(404);

  // The chair signs; a wrong password is refused first.
  const chair = await browser.newPage();
  const chairErrors = consoleErrors(chair);
  await signIn(chair, "e2e-chair");
  await chair.goto(url);
  const sign = chair.getByTestId("sign-form");
  await sign.getByRole("checkbox").check();
  await sign.getByLabel("Your password, again").fill("not the password");
  await sign.getByTestId("sign").click();
  // Back on the meeting, inside the app, with the reason and the form.
  await expect(chair).toHaveURL(url);
  await expect(chair.getByTestId("flash")).toContainText("the password is not right");
  await chair.getByTestId("sign-form").getByRole("checkbox").check();
  await chair.getByTestId("sign-form").getByLabel("Your password, again").fill(PASSWORD);
  await chair.getByTestId("sign").click();
  await expect(chair.getByTestId("signature")).toContainText("Signed by e2e-chair");
  await expect(chair.getByTestId("signature")).toContainText("approved as the DSMB's recommendation");
  await expect(chair.getByTestId("sign-form")).toHaveCount(0);
  await chair.screenshot({ path: info.outputPath("signed.png"), fullPage: true });
  expect(chairErrors.filter((e) => !e.includes("401")), chairErrors.join("\n")).toEqual([]);

  // The sponsor sees the recommendation and the open minutes only.
  await sponsor.goto(url);
  await expect(sponsor.getByTestId("recommendation")).toHaveText("Stop for futility");
  await expect(sponsor.getByTestId("open-minutes")).toHaveText(open);
  await expect(sponsor.getByTestId("closed-part")).toHaveCount(0);
  expect(await sponsor.content()).not.toContain(closed);
  await sponsor.goto("/trial/altshock2/reviews");
  await expect(sponsor.getByTestId("meetings")).toContainText("Stop for futility");
  await sponsor.screenshot({ path: info.outputPath("sponsor-meetings.png"), fullPage: true });

  // Since the last review: the overview now compares with the signed
  // meeting's cut, pooled for the sponsor.
  await sponsor.goto("/trial/altshock2");
  await expect(sponsor.getByTestId("since-basis")).toContainText("against the cut of 2023-09-30");
  const lines = sponsor.getByTestId("since-lines");
  await expect(lines.locator("tbody tr").first().locator("td").nth(2)).toHaveText("+18");
  expect(await sponsor.getByTestId("since-review").innerText()).not.toContain("Group");
});

test("a DSMB member sees what changed since the last review by coded group", async ({ page }, info) => {
  const errors = consoleErrors(page);
  await signIn(page, "e2e-dsmb");
  await page.goto("/trial/altshock2?cut=2023-09-30&since=2022-06-30");
  await expect(page.getByTestId("since-basis")).toContainText("The cut of 2023-09-30 against the cut of 2022-06-30: chosen.");
  const head = page.getByTestId("since-lines").locator("thead");
  await expect(head).toContainText("New, Group A");
  await expect(head).not.toContainText("IABP");
  const first = page.getByTestId("since-lines").locator("tbody tr").first();
  await expect(first.locator("td").nth(2)).toHaveText("+37");
  await expect(page.getByTestId("since-events")).toBeVisible();
  await page.screenshot({ path: info.outputPath("since-review-dsmb.png"), fullPage: true });
  expect(errors, errors.join("\n")).toEqual([]);
});
