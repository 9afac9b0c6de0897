import { randomBytes } from "node:crypto";
import type { Page } from "@playwright/test";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

/**
 * The safety dashboard in a browser, on the demo data: acme has decisions and
 * denied tool/egress events, initech has no host activity. Figures come from
 * /api/dashboards/safety through TanStack Query; each chart has a table view.
 */

const DENIED = "Denied tools and egress by profile";
const DECISIONS = "Decisions over time";

function card(page: Page, title: string) {
  return page.getByRole("region", { name: title });
}

async function showTable(page: Page, title: string) {
  await card(page, title).getByRole("group", { name: `${title}: view` }).getByRole("button", { name: "Table" }).click();
  return card(page, title).getByRole("table");
}

test("a tenant member sees their tenant's figures, with table views, and nobody else's", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/safety?range=month");
  await expect(page.getByRole("heading", { level: 1, name: "Safety" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Last 30 days" })).toHaveAttribute("aria-current", "page");

  const denied = await showTable(page, DENIED);
  await expect(denied.getByRole("link", { name: /^acme-/ }).first()).toBeVisible();
  const tenants = await denied.locator("tbody tr td:nth-child(2)").allInnerTexts();
  expect(tenants.length).toBeGreaterThan(0);
  expect(new Set(tenants)).toEqual(new Set(["acme"]));

  const decisions = await showTable(page, DECISIONS);
  await expect(decisions.locator("tbody tr").first()).toBeVisible();
  // A viewer may not read the audit log: no links from the decision buckets.
  await expect(decisions.getByRole("link")).toHaveCount(0);

  // The API answers the same scope, and another tenant is "not found", as if it did not exist.
  const own = await page.request.get("/api/dashboards/safety?range=month");
  expect(own.status()).toBe(200);
  const body = (await own.json()) as { data: { deniedEvents: { byProfile: { tenant: string }[] } } };
  expect(body.data.deniedEvents.byProfile.length).toBeGreaterThan(0);
  expect(body.data.deniedEvents.byProfile.every((r) => r.tenant === "acme")).toBe(true);
  expect((await page.request.get("/api/dashboards/safety?tenant=globex")).status()).toBe(404);
  expect((await page.request.get("/api/dashboards/safety?range=year")).status()).toBe(400);
});

test("a globex viewer never sees acme, not even by asking for it in the URL", async ({ pageAs }) => {
  const page = await pageAs("viewer@globex.demo");
  await page.goto("/safety?range=month");
  const denied = await showTable(page, DENIED);
  await expect(denied.getByRole("link", { name: /^globex-/ }).first()).toBeVisible();
  expect(new Set(await denied.locator("tbody tr td:nth-child(2)").allInnerTexts())).toEqual(new Set(["globex"]));
  await expect(denied).not.toContainText("acme");
  await expect(page.getByTestId("safety-dashboard")).not.toContainText("acme-");

  await page.goto("/safety?tenant=acme&range=month");
  await expect(page.getByRole("alert").filter({ hasText: "No such tenant or profile" })).toBeVisible();
  await expect(page.getByTestId("safety-dashboard")).toHaveCount(0);
  await expect(page.getByLabel("Tenant", { exact: true }).locator("option")).toHaveText(["All my tenants", "Globex"]);
});

test("the tenant filter changes the figures and goes into the URL", async ({ pageAs }) => {
  const page = await pageAs("admin@cellgate.demo");
  await page.goto("/safety?range=month&tenant=initech");
  await expect(card(page, DENIED)).toContainText("No tool.denied or egress.denied events in this range.");

  await page.getByLabel("Tenant", { exact: true }).selectOption("acme");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/\/safety\?range=month&tenant=acme(&profile=)?$/);
  const denied = await showTable(page, DENIED);
  await expect(denied.getByRole("link", { name: /^acme-/ }).first()).toBeVisible();
  await expect(denied).not.toContainText("initech");

  // The range links keep the tenant.
  await page.getByRole("link", { name: "Last hour" }).click();
  await expect(page).toHaveURL(/\/safety\?range=hour&tenant=acme$/);
  await expect(page.getByRole("link", { name: "Last hour" })).toHaveAttribute("aria-current", "page");
});

test("clicking a denied-events bar opens that profile's event timeline of that type", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/safety?range=month&profile=acme-ticket-triage");
  const bars = card(page, DENIED).locator(".recharts-bar-rectangle path").filter({ visible: true });
  await expect(bars.first()).toBeVisible();
  await bars.first().click();
  await expect(page).toHaveURL(/\/profiles\/acme-ticket-triage\?type=(tool|egress)\.denied#events$/);
  const rows = page.getByRole("region", { name: "Event timeline" }).locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  const type = new URL(page.url()).searchParams.get("type")!;
  for (const row of await rows.all()) await expect(row).toHaveAttribute("data-event-type", type);
});

test("for a tenant admin, a decision bar opens the matching audit entries", async ({ pageAs }) => {
  const page = await pageAs("tenant-admin@acme.demo");
  // Daily buckets: today's holds the demo jobs' audit entries (written when the demo was seeded).
  await page.goto("/safety?tenant=acme&range=month");
  const decisions = await showTable(page, DECISIONS);
  await expect(decisions.getByRole("link").first()).toHaveAttribute("href", /^\/audit\?action=job\.submit&tenant=acme&from=\d{4}-\d{2}-\d{2}&to=/);

  await card(page, DECISIONS).getByRole("button", { name: "Chart" }).click();
  const bars = card(page, DECISIONS).locator(".recharts-bar-rectangle path").filter({ visible: true });
  await expect(bars.first()).toBeVisible();
  // The rightmost bar: today.
  const xs = await bars.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().x));
  await bars.nth(xs.indexOf(Math.max(...xs))).click();
  const today = new Date().toISOString().slice(0, 10);
  await expect(page).toHaveURL(new RegExp(`/audit\\?action=job\\.submit&tenant=acme&from=${today}&to=${today}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "job.submit" }).first()).toBeVisible();
});

test("kill-switch activity is marked on the time axis and listed, only for tenants that can see it", async ({ pageAs }) => {
  // A switch engaged and released on initech (arranged in the database: history only, never in force).
  const reason = `safety drill ${randomBytes(4).toString("hex")}`;
  const now = Date.now();
  await withDb(async (prisma) => {
    const initech = await prisma.tenant.findUniqueOrThrow({ where: { slug: "initech" }, select: { id: true } });
    await prisma.killSwitch.create({
      data: {
        id: `ks_e2e_${randomBytes(8).toString("hex")}`, scope: "tenant", tenantId: initech.id, reason, engagedBy: "e2e",
        engagedAt: new Date(now - 50 * 60_000), releasedAt: new Date(now - 5 * 60_000), releasedBy: "e2e",
        releaseReason: `${reason} over`, engageReceiptId: `rcpt_e2e_${randomBytes(8).toString("hex")}`,
      },
    });
  });
  const page = await pageAs("admin@cellgate.demo");
  await page.goto("/safety?tenant=initech");
  const list = page.getByRole("region", { name: "Kill-switch activity" });
  await expect(list.getByRole("listitem").filter({ hasText: `${reason} over` })).toContainText("Released");
  await expect(list.getByRole("listitem").filter({ hasText: reason }).filter({ hasText: "Engaged" })).toContainText("tenant initech");
  expect(await card(page, DECISIONS).locator(".recharts-reference-line").count()).toBeGreaterThanOrEqual(2);

  const other = await pageAs("viewer@globex.demo");
  await other.goto("/safety");
  await expect(other.getByRole("region", { name: "Kill-switch activity" })).not.toContainText("Loading");
  await expect(other.getByRole("region", { name: "Kill-switch activity" })).not.toContainText(reason);
});
