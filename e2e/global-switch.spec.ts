/**
 * A global kill switch stops every tenant, so this spec runs in its own
 * Playwright project after every other spec has finished (see
 * playwright.config.ts): the platform admin engages it with a reason, users
 * of any tenant see the banner on every page, and after the release it is
 * gone everywhere and kept in history.
 */
import { randomBytes } from "node:crypto";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

test("a global switch: engaged by the platform admin, bannered on every page for every tenant, released with a reason", async ({ pageAs }) => {
  test.setTimeout(120_000);
  const reason = `Fleet-wide incident ${randomBytes(4).toString("hex")}`;
  const admin = await pageAs("admin@cellgate.demo");
  await admin.goto("/kill-switches?preview=1&scope=global");
  await expect(admin.getByTestId("kill-switch-plan")).toBeVisible();
  const confirm = admin.getByRole("form", { name: "Confirm kill switch" });
  await confirm.getByLabel("Reason (required)").fill(reason);
  await confirm.getByRole("button", { name: "Engage kill switch" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Kill switch engaged" })).toBeVisible();
  const stored = await withDb((prisma) => prisma.killSwitch.findFirstOrThrow({ where: { reason } }));
  expect(stored).toMatchObject({ scope: "global", tenantId: null, profileId: null, releasedAt: null });

  try {
    for (const email of ["viewer@globex.demo", "approver@initech.demo"]) {
      const page = await pageAs(email);
      for (const path of ["/", "/profiles", "/safety"]) {
        await page.goto(path);
        const banner = page.getByRole("region", { name: "Kill switches in force" });
        await expect(banner, `${email} on ${path}`).toContainText("Kill switch engaged: everything, on every tenant.");
        await expect(banner, `${email} on ${path}`).toContainText(reason);
      }
    }
  } finally {
    // Release through the console even when an assertion failed, so no later run starts stopped.
    await admin.goto("/kill-switches");
    const row = admin.getByRole("table", { name: "Kill switches in force" }).locator(`tr[data-switch-id="${stored.id}"]`);
    await row.getByRole("button", { name: /^Release kill switch: / }).click();
    const release = row.getByRole("form", { name: /^Release kill switch: / });
    await release.getByLabel("Reason for releasing (required)").fill("Incident closed");
    await release.getByRole("button", { name: "Confirm release" }).click();
    await expect(admin.getByRole("table", { name: "Kill switches in force" }).locator(`tr[data-switch-id="${stored.id}"]`)).toHaveCount(0);
  }

  await expect(admin.getByRole("table", { name: "Kill switch history" }).locator(`tr[data-switch-id="${stored.id}"]`)).toContainText("Incident closed");
  const viewer = await pageAs("viewer@globex.demo");
  await viewer.goto("/profiles");
  await expect(viewer.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(viewer.getByRole("region", { name: "Kill switches in force" })).toHaveCount(0);
});
