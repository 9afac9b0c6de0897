import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./support/fixtures";
import { withDb } from "./support/db";

/**
 * /siem: the SIEM export's sinks, read-only, for platform admins (metrics.read).
 * The console under test has no sink configured, so the spec arranges a
 * cursor row (a sink that was configured before) and checks the page shows
 * it as it is stored; everyone else gets the 404 of a missing page.
 */
const SINK = "syslog";

test.beforeAll(async () => {
  await withDb(async (prisma) => {
    const data = {
      target: "tls://siem.e2e.test:6514",
      seq: 3,
      hash: "ab".repeat(32),
      delivered: 3,
      failures: 2,
      consecutiveFailures: 2,
      lastDeliveredAt: new Date("2026-12-01T10:00:00Z"),
      lastError: "connect ECONNREFUSED 10.0.0.9:6514",
      lastErrorAt: new Date("2026-12-01T10:05:00Z"),
    };
    await prisma.siemCursor.upsert({ where: { sink: SINK }, create: { sink: SINK, ...data }, update: data });
  });
});

test("a platform admin finds the SIEM export under More and sees each sink's cursor, lag, failures and last error", async ({ pageAs }) => {
  const page = await pageAs("admin@cellgate.demo");
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("button", { name: "More" }).click();
  await nav.getByRole("link", { name: "SIEM export" }).click();
  await expect(page).toHaveURL(/\/siem$/);
  await expect(page.getByRole("heading", { level: 1, name: "SIEM export" })).toBeVisible();
  const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: /Syslog/ }) });
  await expect(row).toContainText("tls://siem.e2e.test:6514");
  await expect(row).toContainText("off (not configured)");
  await expect(row).toContainText("entry 3");
  await expect(row).toContainText(/\d[\d,]* entr(y|ies)/);
  await expect(row).toContainText("2 in a row");
  await expect(row).toContainText("2026-12-01 10:00:00 UTC");
  await expect(row).toContainText("connect ECONNREFUSED 10.0.0.9:6514");
  // Read-only: nothing to press.
  await expect(page.getByRole("main").getByRole("button")).toHaveCount(0);
  const { violations } = await new AxeBuilder({ page }).include("main").analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
});

for (const email of ["tenant-admin@acme.demo", "viewer@acme.demo"]) {
  test(`${email} has no SIEM export link and gets a 404 at /siem`, async ({ pageAs }) => {
    const page = await pageAs(email);
    await page.goto("/");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "SIEM export", includeHidden: true })).toHaveCount(0);
    expect((await page.goto("/siem"))?.status()).toBe(404);
    await expect(page.getByText("tls://siem.e2e.test:6514")).toHaveCount(0);
  });
}
