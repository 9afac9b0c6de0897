import { expect, test } from "./support/fixtures";

/** The seeded history of acme-ticket-triage (lib/domain/evidence/demo-events.ts). */
const PROFILE = "/profiles/acme-ticket-triage";

test("the profile page shows the event timeline, newest first, paginated", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto(PROFILE);
  const timeline = page.getByRole("region", { name: "Event timeline" });
  await expect(timeline.getByRole("columnheader", { name: "Trace" })).toBeVisible();
  const rows = timeline.locator("tbody tr");
  await expect(rows).toHaveCount(25);

  const times = await timeline.locator("tbody time").evaluateAll((els) => els.map((e) => e.getAttribute("datetime") ?? ""));
  expect(times).toEqual([...times].sort().reverse());
  await expect(timeline.getByText("acme-sandbox-01").first()).toBeVisible();

  // Attributes are collapsed until opened.
  const firstAttributes = rows.first().locator("details");
  await expect(firstAttributes.locator("pre")).toBeHidden();
  await firstAttributes.locator("summary").click();
  await expect(firstAttributes.locator("pre")).toBeVisible();

  await timeline.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/\/profiles\/acme-ticket-triage\?events=2$/);
  await expect(page.getByRole("region", { name: "Event timeline" }).getByText(/Page 2 of \d+/)).toBeVisible();
});

test("filtering by type goes into the URL and shows only that type", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto(PROFILE);
  await page.getByLabel("Event type").selectOption("tool.denied");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/\/profiles\/acme-ticket-triage\?type=tool\.denied$/);

  const types = page.getByRole("region", { name: "Event timeline" }).locator("tbody tr");
  expect(await types.count()).toBeGreaterThan(0);
  for (const row of await types.all()) await expect(row).toHaveAttribute("data-event-type", "tool.denied");
  await expect(page.getByLabel("Event type")).toHaveValue("tool.denied");

  // The same URL opened fresh gives the same filter.
  await page.reload();
  await expect(page.getByLabel("Event type")).toHaveValue("tool.denied");
});

test("redacted events are flagged, with a notice naming the kinds", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto(`${PROFILE}?type=tool.allowed`);
  await expect(page.getByRole("status").filter({ hasText: /secret-like values redacted/ })).toContainText("bearer token");
  const redacted = page.getByRole("region", { name: "Event timeline" }).locator("tbody tr", { hasText: "redacted" });
  await expect(redacted.first()).toBeVisible();
  await redacted.first().locator("summary").click();
  await expect(redacted.first().locator("pre")).toContainText("[REDACTED:bearer_token]");
});

test("the evidence checklist shows pass, fail and missing items with their age", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto(PROFILE);
  const list = page.getByRole("list", { name: "Evidence checklist" });
  await expect(list.getByRole("listitem")).toHaveCount(7);
  await expect(list.locator('[data-item="intended_digest"]')).toHaveAttribute("data-state", "pass");
  await expect(list.locator('[data-item="secrets_not_logged"]')).toHaveAttribute("data-state", "fail");
  await expect(list.locator('[data-item="canary_survived"]')).toHaveAttribute("data-state", "missing");
  const rollback = list.locator('[data-item="rollback_proven"]');
  await expect(rollback).toContainText("Rollback proven (< 5 min)");
  await expect(rollback).toContainText("Rollback took 3 min 16 s");
  await expect(rollback).toContainText(/Observed .* ago/);
  await expect(page.getByTestId("unit-state")).toContainText("running");
});

test("another tenant's profile and its events stay hidden", async ({ pageAs }) => {
  const page = await pageAs("viewer@globex.demo");
  expect((await page.goto(`${PROFILE}?type=tool.denied`))?.status()).toBe(404);
  expect(await page.locator("main").innerText()).not.toContain("acme-sandbox-01");
});
