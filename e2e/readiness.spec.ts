import type { Page } from "@playwright/test";
import { CANARY_LABELS, CANARY_STAGES, type CanaryStageName } from "../lib/domain/tiers";
import { withDb } from "./support/db";
import { E2E_METRICS_TOKEN } from "./support/global-setup";
import { expect, test } from "./support/fixtures";

/** Profiles per canary stage of one tenant (or all), straight from the database. */
async function stageCounts(tenant?: string): Promise<Record<CanaryStageName, number>> {
  return withDb(async (prisma) => {
    const groups = await prisma.profile.groupBy({ by: ["canaryStage"], where: tenant ? { tenant: { slug: tenant } } : {}, _count: { _all: true } });
    const counts = Object.fromEntries(CANARY_STAGES.map((s) => [s, 0])) as Record<CanaryStageName, number>;
    for (const g of groups) counts[g.canaryStage] = g._count._all;
    return counts;
  });
}

function filters(page: Page) {
  return page.getByRole("search", { name: "Filter the readiness board" });
}

function column(page: Page, stage: CanaryStageName) {
  return page.getByRole("region", { name: CANARY_LABELS[stage], exact: true });
}

async function cardSlugs(page: Page): Promise<string[]> {
  return page.locator("li[data-slug]").evaluateAll((items) => items.map((li) => li.getAttribute("data-slug") ?? ""));
}

test("a viewer sees their tenant's fleet by canary stage, short-of-tier profiles first", async ({ pageAs }) => {
  const counts = await stageCounts("acme");
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/readiness");
  await expect(page.getByRole("heading", { name: "Readiness", level: 1 })).toBeVisible();
  for (const stage of CANARY_STAGES) {
    await expect(column(page, stage).getByTestId("column-counts")).toContainText(`${counts[stage]} profiles`);
  }
  const slugs = await cardSlugs(page);
  expect(slugs.length).toBeGreaterThan(0);
  expect(slugs.every((s) => s.startsWith("acme-"))).toBe(true);

  // Within every column, no complete profile comes before one short of its tier.
  for (const stage of CANARY_STAGES) {
    const flags = await column(page, stage).locator("li[data-slug]").evaluateAll((items) => items.map((li) => li.getAttribute("data-short")));
    const firstComplete = flags.indexOf("false");
    if (firstComplete >= 0) expect(flags.slice(firstComplete)).not.toContain("true");
  }

  // The well-known profile shows its rollback target and its last drill (196 s in the demo story).
  const card = page.locator('li[data-slug="acme-ticket-triage"]');
  await expect(card).toContainText("3 min 16 s");
  await expect(card).toContainText("Rollback");
  await expect(card).toContainText(/\d\/7/);
});

test("a card opens the profile's readiness: evidence with ages, controls have vs required", async ({ pageAs }) => {
  const page = await pageAs("viewer@acme.demo");
  await page.goto("/readiness");
  await page.locator('li[data-slug="acme-ticket-triage"]').getByRole("link", { name: "acme-ticket-triage" }).click();
  await expect(page).toHaveURL(/\/readiness\/acme-ticket-triage$/);
  const checklist = page.getByRole("list", { name: "Evidence checklist" });
  await expect(checklist.getByRole("listitem")).toHaveCount(7);
  await expect(checklist.locator('[data-item="rollback_proven"]')).toContainText("Rollback took 3 min 16 s");
  await expect(checklist.locator('[data-item="rollback_proven"]')).toContainText(/Observed .* ago/);
  const controls = page.getByRole("region", { name: "Controls: have vs required" });
  await expect(controls).toContainText(/controls required by L2 writes/);
  await expect(controls.locator('tr[data-control="tested_rollback"]')).toContainText("Rollback proven (< 5 min): pass");
  await expect(controls.locator('tr[data-control="digest_pinning"]')).toBeVisible();
});

test("the stage and tenant filters go into the URL and change the board", async ({ pageAs }) => {
  const page = await pageAs("admin@cellgate.demo");
  await page.goto("/readiness");
  const all = await stageCounts();
  await expect(column(page, "limited").getByTestId("column-counts")).toContainText(`${all.limited} profiles`);

  await filters(page).getByLabel("Canary stage").selectOption("limited");
  await filters(page).getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/\/readiness\?stage=limited$/);
  await expect(page.locator("section[data-stage]")).toHaveCount(1);
  await expect(column(page, "limited")).toBeVisible();
  await expect(column(page, "promoted")).toHaveCount(0);

  const globex = await stageCounts("globex");
  await filters(page).getByLabel("Tenant").selectOption("globex");
  await filters(page).getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/\/readiness\?tenant=globex&stage=limited$/);
  await expect(column(page, "limited").getByTestId("column-counts")).toContainText(`${globex.limited} profiles`);
  const slugs = await cardSlugs(page);
  expect(slugs.length).toBe(Math.min(globex.limited, 60));
  expect(slugs.every((s) => s.startsWith("globex-"))).toBe(true);

  await page.reload();
  expect(await cardSlugs(page)).toEqual(slugs);
});

test("a globex viewer never sees acme: not on the board, 404 for acme's tenant and profile", async ({ pageAs }) => {
  const page = await pageAs("viewer@globex.demo");
  await page.goto("/readiness");
  const slugs = await cardSlugs(page);
  expect(slugs.length).toBeGreaterThan(0);
  expect(slugs.some((s) => s.startsWith("acme-"))).toBe(false);
  await expect(filters(page).getByLabel("Tenant").locator("option", { hasText: "Acme Corp" })).toHaveCount(0);

  expect((await page.goto("/readiness?tenant=acme"))?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  expect((await page.goto("/readiness/acme-ticket-triage"))?.status()).toBe(404);
  expect((await page.goto("/readiness/no-such-profile"))?.status()).toBe(404);
});

test.describe("GET /api/metrics", () => {
  test("refuses the anonymous and tenant users with 401 problem+json, answers a platform admin", async ({ pageAs, request }) => {
    const anonymous = await request.get("/api/metrics");
    expect(anonymous.status()).toBe(401);
    expect(anonymous.headers()["content-type"]).toBe("application/problem+json");

    const viewer = await pageAs("tenant-admin@acme.demo");
    const refused = await viewer.request.get("/api/metrics");
    expect(refused.status()).toBe(401);

    const admin = await pageAs("admin@cellgate.demo");
    const response = await admin.request.get("/api/metrics");
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(text).toContain("# TYPE cellgate_policy_decisions_total counter");
    const head = Number(/^cellgate_audit_head_seq (\d+)$/m.exec(text)?.[1]);
    expect(head).toBeGreaterThan(0);
    // Append-only tables: what the scrape counted never exceeds what is there a moment later.
    const decisions = [...text.matchAll(/^cellgate_policy_decisions_total\{decision="[A-Z_]+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    const [stored, storedHead] = await withDb(async (prisma) => [await prisma.policyDecision.count(), (await prisma.auditHead.findUnique({ where: { id: 1 } }))!.seq]);
    expect(decisions).toBeGreaterThan(0);
    expect(decisions).toBeLessThanOrEqual(stored);
    expect(head).toBeLessThanOrEqual(storedHead);
  });

  test("answers Prometheus with the metrics token, and 401 for a wrong one", async ({ request }) => {
    const token = E2E_METRICS_TOKEN;
    const ok = await request.get("/api/metrics", { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status()).toBe(200);
    expect(await ok.text()).toMatch(/^cellgate_ingest_batches_total \d+$/m);
    const wrong = await request.get("/api/metrics", { headers: { Authorization: `Bearer ${token}-wrong` } });
    expect(wrong.status()).toBe(401);
  });
});
