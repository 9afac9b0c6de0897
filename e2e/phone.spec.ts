/**
 * The console on a phone (390 × 844): no page scrolls sideways (wide tables
 * and code scroll inside their own box), the navigation collapses behind a
 * "Menu" button that opens, navigates and closes, and what one taps is at
 * least 44 px tall. An approver votes on a job from the phone.
 */
import { randomBytes } from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import { createJob } from "../tests/support/job-factory";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";
import { overflowingElements } from "./support/main-pages";

const PHONE = { width: 390, height: 844 };
test.use({ viewport: PHONE });

/** The page itself never scrolls sideways; on failure, say what sticks out. */
async function expectNoSideScroll(page: Page) {
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  if (!(await fits())) {
    const sticking = await overflowingElements(page);
    expect(await fits(), `${page.url()} scrolls sideways; sticking out:\n  ${sticking.join("\n  ")}`).toBe(true);
  }
}

async function expectTouchTarget(target: Locator) {
  await expect(target).toBeVisible();
  const box = await target.boundingBox();
  expect(box, "the target has a box").not.toBeNull();
  expect(box!.height, `${await target.evaluate((el) => el.outerHTML.slice(0, 120))} is at least 44 px tall`).toBeGreaterThanOrEqual(44);
}

async function pendingAcmeJob() {
  return withDb(async (prisma) => {
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const profile = await prisma.profile.findUniqueOrThrow({ where: { slug: "acme-ticket-triage" } });
    const root = `job.e2e_phone_${randomBytes(4).toString("hex")}`;
    const job = await createJob(prisma, {
      tenant,
      profile,
      topic: `${root}.write.update_ticket_with_a_rather_long_name`,
      riskTags: ["writes"],
      labels: { ticket: "T-390" },
      payload: { ticket: "T-390", set: { priority: "high", note: "A note long enough to be wider than a phone screen, as agents write them." } },
      ttlSec: 3600,
    });
    return { root, job };
  });
}

test("the menu collapses the navigation, opens over the page without moving it, navigates and closes", async ({ pageAs }) => {
  const page = await pageAs("approver@acme.demo");
  await page.goto("/profiles");
  const menu = page.getByRole("banner").getByRole("button", { name: "Menu" });
  const nav = page.getByRole("navigation", { name: "Main" });
  await expectTouchTarget(menu);
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  const panelId = await menu.getAttribute("aria-controls");
  expect(panelId).toBeTruthy();
  await expect(nav.getByRole("link", { name: "Registry" })).toBeHidden();
  await expectNoSideScroll(page);

  const mainTop = (await page.getByRole("main").boundingBox())!.y;
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(page.locator(`[id="${panelId}"]`)).toBeVisible();
  // Laid over the page: the content does not move.
  expect((await page.getByRole("main").boundingBox())!.y).toBe(mainTop);
  // Every page is in the phone menu, "More" ones included, each a full-size target.
  for (const name of ["Overview", "Registry", "Approvals", "Kill switches", "Policies", "Receipts", "Tokens"]) {
    await expectTouchTarget(nav.getByRole("link", { name, exact: true }));
  }
  await expect(nav.getByRole("link", { name: "Registry" })).toHaveAttribute("aria-current", "page");
  await expectTouchTarget(page.getByRole("banner").getByRole("button", { name: "Sign out" }));
  await expectNoSideScroll(page);

  await nav.getByRole("link", { name: "Receipts" }).click();
  await expect(page).toHaveURL(/\/receipts$/);
  await expect(page.getByRole("heading", { level: 1, name: "Receipts" })).toBeVisible();
  // Navigating closed it.
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav.getByRole("link", { name: "Registry" })).toBeHidden();

  // Escape closes it too.
  await menu.click();
  await expect(nav.getByRole("link", { name: "Registry" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav.getByRole("link", { name: "Registry" })).toBeHidden();
});

test("an approver finds a job in the queue and approves it on a phone", async ({ pageAs }) => {
  const { root, job } = await pendingAcmeJob();
  const page = await pageAs("approver@acme.demo");

  // Through the menu to the queue.
  await page.goto("/");
  await page.getByRole("button", { name: "Menu" }).click();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Approvals" }).click();
  await expect(page).toHaveURL(/\/approvals$/);
  await expectNoSideScroll(page);

  await page.goto(`/approvals?topic=${root}`);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expectNoSideScroll(page);
  // The queue table scrolls inside its own box.
  const tableBox = await page.getByRole("table").evaluate((table) => {
    const box = table.parentElement!.getBoundingClientRect();
    return { right: box.right, overflowX: getComputedStyle(table.parentElement!).overflowX };
  });
  expect(tableBox.right).toBeLessThanOrEqual(PHONE.width);
  expect(tableBox.overflowX).toBe("auto");

  await page.getByRole("link", { name: job.topic }).click();
  await expect(page.getByRole("heading", { level: 1, name: job.topic })).toBeVisible();
  await expectNoSideScroll(page);
  // The canonical JSON card is contained: its box ends inside the screen, its long lines scroll inside it.
  const canonical = page.getByTestId("job-canonical");
  await expect(canonical).toContainText('"priority": "high"');
  const card = page.getByRole("region", { name: "What the agent asks to run" });
  for (const box of [await card.boundingBox(), await canonical.boundingBox()]) {
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
  }

  const note = page.getByLabel("Note (required)");
  await expectTouchTarget(note);
  await expectTouchTarget(page.getByRole("button", { name: "Deny", exact: true }));
  const approve = page.getByRole("button", { name: "Approve", exact: true });
  await expectTouchTarget(approve);
  await note.fill("Checked on my phone: the customer asked for it.");
  await approve.click();
  await expect(page.getByTestId("job-status")).toHaveText("Approved");
  await expect(page.getByRole("list", { name: "Votes" })).toContainText("approver@acme.demo");
  await expectNoSideScroll(page);
  const stored = await withDb((prisma) => prisma.job.findUniqueOrThrow({ where: { id: job.id }, select: { status: true } }));
  expect(stored.status).toBe("APPROVED");
});

test("the kill-switch page fits a phone and its controls are full-size targets", async ({ pageAs }) => {
  const page = await pageAs("tenant-admin@acme.demo");
  await page.goto("/kill-switches");
  await expect(page.getByRole("heading", { level: 1, name: "Kill switches" })).toBeVisible();
  await expectNoSideScroll(page);
  const form = page.getByRole("form", { name: "Choose what to stop" });
  await expectTouchTarget(form.getByLabel("Scope"));
  await expectTouchTarget(form.getByLabel("Profile", { exact: true }));
  await expectTouchTarget(form.getByRole("button", { name: "Preview plan" }));

  // The plan view too.
  await form.getByLabel("Profile", { exact: true }).fill("acme-ticket-triage");
  await form.getByRole("button", { name: "Preview plan" }).click();
  await expect(page.getByTestId("kill-switch-plan")).toContainText("profile acme-ticket-triage");
  await expectNoSideScroll(page);
  await expectTouchTarget(page.getByRole("form", { name: "Confirm kill switch" }).getByRole("button", { name: "Engage kill switch" }));
});

test("the registry fits a phone: its table scrolls in its own box, filters are full-size targets", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/profiles?size=10");
  await expect(page.locator("table tbody tr").first()).toBeVisible();
  await expectNoSideScroll(page);
  const scroller = await page.locator("table").first().evaluate((table) => {
    const box = table.parentElement!;
    return { right: box.getBoundingClientRect().right, scrolls: box.scrollWidth > box.clientWidth };
  });
  expect(scroller.right).toBeLessThanOrEqual(PHONE.width);
  expect(scroller.scrolls, "the registry table is wider than a phone and scrolls inside its box").toBe(true);
  await expectTouchTarget(page.getByLabel("Search"));
  await expectTouchTarget(page.getByLabel("Health", { exact: true }));
  await expectTouchTarget(page.getByRole("button", { name: "Apply" }));
  await expectTouchTarget(page.getByRole("navigation", { name: "Pagination" }).getByRole("link", { name: "Next" }));

  // Filtering still works from the phone.
  await page.getByLabel("Health", { exact: true }).selectOption("healthy");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/health=healthy/);
  await expectNoSideScroll(page);
  await page.locator("table tbody tr td:first-child a").first().click();
  await expect(page).toHaveURL(/\/profiles\/acme-/);
  await expectNoSideScroll(page);
});
