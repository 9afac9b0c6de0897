/**
 * The governance gate in a browser: an operator asks to promote a profile
 * and sees every unmet item; a proven profile's request goes to an approver,
 * whose approval moves the stage; a tenant admin rolls it back and the
 * history shows each step with its receipt.
 */
import { randomBytes } from "node:crypto";
import { EVIDENCE_ITEMS } from "../lib/domain/evidence";
import { requiredControls } from "../lib/domain/tiers";
import { createProfile, TEST_DIGEST } from "../tests/support/factories";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

async function acmeProfile(proven: boolean): Promise<string> {
  return withDb(async (prisma) => {
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const profile = await createProfile(prisma, tenant.id, { slug: `acme-e2e-gate-${randomBytes(3).toString("hex")}`, tier: "L2" });
    if (proven) {
      const observedAt = new Date(Date.now() - 120_000);
      for (const item of EVIDENCE_ITEMS) {
        const detail = item === "rollback_proven" ? { durationSec: 70 } : item === "intended_digest" ? { digest: TEST_DIGEST } : {};
        await prisma.profileEvidence.create({ data: { profileId: profile.id, item, passed: true, observedAt, detail } });
      }
      for (const control of requiredControls("L2")) {
        await prisma.profileControl.create({ data: { profileId: profile.id, control, evidencedAt: observedAt, source: "e2e" } });
      }
    }
    return profile.slug;
  });
}

test("an operator asking to promote a profile without evidence sees every unmet item", async ({ pageAs }) => {
  const slug = await acmeProfile(false);
  const page = await pageAs("operator@acme.demo");
  await page.goto(`/profiles/${slug}`);
  await expect(page.getByTestId("gate-verdict")).toContainText("The gate to read_only does not pass");
  await page.getByRole("button", { name: "Request promotion to read_only" }).click();
  const refusal = page.getByRole("form", { name: "Request promotion" }).getByRole("alert");
  await expect(refusal).toContainText("The gate refused the promotion to read_only");
  await expect(refusal.getByRole("list", { name: "Unmet items" })).toContainText("Secrets not logged: missing");
  await expect(refusal).toContainText(/Receipt rcpt_\S+ \(audit #\d+\)/);
});

test("a proven profile's promotion is approved by an approver, then a tenant admin rolls it back", async ({ pageAs }) => {
  test.setTimeout(60_000);
  const slug = await acmeProfile(true);
  const operator = await pageAs("operator@acme.demo");
  await operator.goto(`/profiles/${slug}`);
  await expect(operator.getByTestId("gate-verdict")).toContainText("The gate to read_only passes: a request needs 1 approval.");
  await operator.getByRole("button", { name: "Request promotion to read_only" }).click();
  // The page re-renders with the request waiting in the queue, linked.
  const requested = operator.getByRole("status").filter({ hasText: "A promotion to read_only waits for approval" });
  await expect(requested).toBeVisible();
  const jobId = (await requested.getByRole("link").innerText()).trim();

  const approver = await pageAs("approver@acme.demo");
  await approver.goto(`/approvals/${jobId}`);
  await expect(approver.getByTestId("job-canonical")).toContainText('"to": "read_only"');
  await approver.getByLabel("Note (required)").fill("Evidence is fresh; rollback drilled.");
  await approver.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(approver.getByTestId("job-status")).toContainText(/approved/i);

  const admin = await pageAs("tenant-admin@acme.demo");
  await admin.goto(`/profiles/${slug}`);
  const canary = admin.getByRole("region", { name: "Canary stage and gate" });
  await expect(canary.getByRole("list", { name: "Stage history" })).toContainText("promotion deploy_only → read_only by approver@acme.demo");
  await canary.getByRole("button", { name: "Roll back" }).click();
  await canary.getByLabel("Reason for rolling back (required)").fill("Error rate doubled after the deploy");
  await canary.getByRole("button", { name: "Confirm rollback" }).click();
  await expect(canary.getByRole("status").filter({ hasText: "Rolled back to" })).toContainText("Rolled back to https://rollback.internal/x");
  await admin.reload();
  await expect(admin.getByRole("region", { name: "Canary stage and gate" }).getByRole("list", { name: "Stage history" })).toContainText(
    "rollback read_only → rolled_back by tenant-admin@acme.demo",
  );
});
