/**
 * The cost dashboard in Chromium: figures render from the route handler,
 * range and scope filters in the URL change them, budgets show their state,
 * the checker's alerts are listed, and a user sees only their tenants'
 * figures. A tenant of its own (created through the database, checked once by
 * the console's own budget checker) gives exact figures; the demo data gives shape.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

const ADMIN = "admin@cellgate.demo";
const suffix = randomBytes(3).toString("hex");
const TENANT = `cost-e2e-${suffix}`;
const BOT = `cost-e2e-${suffix}-bot`;
const OTHER_BOT = `cost-e2e-${suffix}-other`;
const MODEL = `e2e-model-${suffix}`;

// With fullyParallel a worker can come back to this file after running others: beforeAll
// runs again in the same module (same suffix), so the tenant is made once per module.
let arranged = false;
test.beforeAll(async () => {
  if (arranged) return;
  arranged = true;
  await withDb(async (prisma) => {
    const now = Date.now();
    const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
    const occurredAt = new Date(Math.max(now - 10 * 60_000, monthStart + 1000)); // this month and this hour
    const tenant = await prisma.tenant.create({ data: { slug: TENANT, name: `Cost E2E ${suffix}`, monthlyBudgetUsd: 100 } });
    const base = {
      tenantId: tenant.id, owner: "e2e", ring: 2, tier: "L1" as const, artifactDigest: `sha256:${"ab".repeat(32)}`,
      rollbackEndpoint: "https://deploy.internal/e2e", rollbackManifestDigest: `sha256:${"cd".repeat(32)}`, evidencePath: "evidence/e2e/",
    };
    const bot = await prisma.profile.create({ data: { ...base, slug: BOT, unit: `${BOT}.service`, monthlyBudgetUsd: 10 } });
    const other = await prisma.profile.create({ data: { ...base, slug: OTHER_BOT, unit: `${OTHER_BOT}.service` } });
    const cost = (profileId: string, amount: string, tokens: number) => ({
      tenantId: tenant.id, profileId, eventId: randomUUID(), occurredAt, model: MODEL, tokensIn: tokens, tokensOut: tokens, cost: amount,
    });
    await prisma.costRecord.createMany({ data: [cost(bot.id, "12.00", 1000), cost(other.id, "75.00", 5000)] });
  });
});

test("a platform admin sees a tenant's cost, budgets past 80 % and 100 %, and each chart's table", async ({ pageAs }) => {
  const page = await pageAs(ADMIN);
  await page.goto(`/cost?tenant=${TENANT}`);
  const dashboard = page.getByTestId("cost-dashboard");
  await expect(dashboard.getByTestId("figure-cost")).toContainText("$87.00");
  await expect(dashboard.getByTestId("figure-cost-per-job")).toContainText("submitted in range and ALLOWED or APPROVED");

  const budgets = dashboard.getByTestId("budget-table");
  await expect(budgets.getByRole("row", { name: new RegExp(`profile ${BOT}`) })).toContainText("At or over 100 %");
  await expect(budgets.getByRole("row", { name: new RegExp(`tenant ${TENANT}`) })).toContainText("At or over 80 %");
  await expect(budgets.getByRole("row", { name: new RegExp(`tenant ${TENANT}`) })).toContainText("87 %");

  // Text alternative of a chart: the table view lists the same figures.
  const spenders = page.getByRole("region", { name: "Top spenders" });
  await spenders.getByRole("button", { name: "Table" }).click();
  await expect(spenders.getByRole("row", { name: new RegExp(OTHER_BOT) })).toContainText("$75.00");
  await expect(spenders.getByRole("link", { name: BOT })).toHaveAttribute("href", `/profiles/${BOT}`);

  await page.getByRole("button", { name: "Model" }).click();
  const series = page.getByRole("region", { name: /Cost \(USD\) by model/ });
  await series.getByRole("button", { name: "Table" }).click();
  await expect(series.getByRole("columnheader", { name: MODEL })).toBeVisible();
});

test("the console's own budget checker raises each threshold once, listed on /cost", async ({ pageAs }) => {
  test.setTimeout(100_000);
  const page = await pageAs(ADMIN);
  await page.goto(`/cost?tenant=${TENANT}`);
  // The checker ticks in the running console (instrumentation.ts) every minute, in any replica.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("list", { name: "Budget alerts" }).getByRole("listitem")).toHaveCount(3, { timeout: 2_000 });
  }).toPass({ timeout: 80_000 });
  const alerts = page.getByRole("list", { name: "Budget alerts" }).getByRole("listitem");
  await expect(alerts.filter({ hasText: `profile ${BOT}` }).filter({ hasText: "100 %" })).toHaveCount(1);
  await expect(alerts.filter({ hasText: `profile ${BOT}` }).filter({ hasText: "80 %" })).toHaveCount(1);
  await expect(alerts.filter({ has: page.getByRole("link", { name: `tenant ${TENANT}`, exact: true }) })).toContainText("80 %");
  const recorded = await withDb(async (prisma) =>
    prisma.budgetAlert.count({ where: { tenantId: (await prisma.tenant.findUniqueOrThrow({ where: { slug: TENANT } })).id } }),
  );
  expect(recorded).toBe(3);
});

test("range and scope in the URL change the figures", async ({ pageAs }) => {
  const page = await pageAs(ADMIN);
  await page.goto(`/cost?tenant=${TENANT}`);
  await expect(page.getByTestId("figure-cost")).toContainText("$87.00");
  await page.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/range=week/);
  await expect(page.getByTestId("figure-cost")).toContainText("$87.00");

  await page.getByLabel("Profile").fill(BOT);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`profile=${BOT}`));
  await expect(page.getByTestId("figure-cost")).toContainText("$12.00");
  await expect(page.getByRole("region", { name: `Burn-down: profile ${BOT}` })).toBeVisible();
});

test("a tenant member sees their own tenant's figures, and another tenant's not even by URL", async ({ pageAs }) => {
  const page = await pageAs("viewer@globex.demo");
  await page.goto(`/cost?tenant=${TENANT}`);
  const notFound = page.getByRole("alert").filter({ hasText: "No such tenant or profile" });
  await expect(notFound).toBeVisible();
  await page.goto("/cost?tenant=acme");
  await expect(notFound).toBeVisible();

  const api = await page.request.get(`/api/dashboards/cost?range=month`);
  expect(api.status()).toBe(200);
  const text = await api.text();
  expect(text).not.toContain("acme");
  expect(text).not.toContain(TENANT);
  expect((await page.request.get(`/api/dashboards/cost?tenant=acme`)).status()).toBe(404);

  await page.goto("/cost?range=month");
  await expect(page.getByTestId("figure-cost")).not.toHaveText(/…/);
  await expect(page.getByTestId("cost-dashboard")).not.toContainText("acme");
});

test("demo data: acme spends, initech is quiet, and acme's budgets are past their thresholds and alerted", async ({ pageAs }) => {
  test.setTimeout(100_000);
  const acme = await pageAs("viewer@acme.demo");
  await acme.goto("/cost?range=month");
  await expect(acme.getByTestId("figure-cost")).toContainText("$");
  await expect(acme.getByTestId("figure-cost")).not.toContainText("$0.00");
  const budgets = acme.getByTestId("budget-table");
  await expect(budgets.getByRole("row", { name: /profile acme-ticket-triage/ })).toContainText("At or over 100 %");
  await expect(budgets.getByRole("row", { name: /tenant acme / })).toContainText(/At or over (80|100) %/);
  await expect(async () => {
    await acme.reload();
    const alerts = acme.getByRole("list", { name: "Budget alerts" }).getByRole("listitem");
    await expect(alerts.filter({ hasText: "profile acme-ticket-triage" }).filter({ hasText: "100 %" })).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 80_000 });

  const initech = await pageAs("viewer@initech.demo");
  await initech.goto("/cost?range=month");
  await expect(initech.getByRole("region", { name: "Top spenders" })).toContainText("No model usage in this range.");
  await expect(initech.getByTestId("figure-cost")).toContainText("$0.00");
});
