/**
 * Passkey-signed votes in a real browser, with Chromium's virtual
 * authenticator (CDP WebAuthn.addVirtualAuthenticator): an approver without a
 * passkey is told how to add one and cannot vote on an L2+ job; they add one
 * on the Security page, then approve the job, the authenticator signing the
 * console's statement; the vote's stored evidence verifies offline.
 *
 * A WebAuthn relying party cannot be an IP address, and the shared e2e
 * console answers on 127.0.0.1 with passkeys off for the other specs, so
 * this spec starts a second console on the same database and data directory
 * (same platform key), on http://localhost, with the default (L2 and up).
 */
import fs from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { verifyDecisionEvidence, type DecisionEvidence, type SwitchStatement } from "../lib/domain/passkeys";
import { createJob } from "../tests/support/job-factory";
import { freePort, startApp, waitForStatus, type AppProcess } from "./support/app-server";
import { withDb } from "./support/db";
import { expect, signInAs, test } from "./support/fixtures";
import { STATE_DIR, STATE_FILE, type E2EState } from "./support/global-setup";

let app: AppProcess;
let origin = "";

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const state = JSON.parse(fs.readFileSync(STATE_FILE, "utf8")) as E2EState;
  const port = await freePort();
  origin = `http://localhost:${port}`;
  app = startApp({
    port,
    logFile: path.join(STATE_DIR, "app-passkeys.log"),
    env: {
      ...process.env,
      DATABASE_URL: state.databaseUrl,
      CELLGATE_DATA_DIR: path.join(state.cluster!.dir, "app-data"),
      NEXTAUTH_URL: origin,
      NEXTAUTH_SECRET: "e2e-passkeys-secret-0123456789abcdef",
    },
  });
  await waitForStatus(app, "/api/health", { status: 200, timeoutMs: 120_000 });
});

test.afterAll(async () => {
  await app?.stop();
});

async function virtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

test("an approver adds a passkey on the Security page and approves an L3 job with it", async ({ page }) => {
  test.setTimeout(120_000);
  const email = `approver-pk-${Date.now().toString(36)}@acme.demo`;
  const job = await withDb(async (prisma) => {
    const first = await prisma.user.findUniqueOrThrow({ where: { email: "approver@acme.demo" }, include: { memberships: true } });
    await prisma.user.create({
      data: { email, name: "Passkey Approver", passwordHash: first.passwordHash, memberships: { create: { tenantId: first.memberships[0]!.tenantId, role: "approver" } } },
    });
    const tenant = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const profile = await prisma.profile.findFirstOrThrow({ where: { tenantId: tenant.id, tier: { in: ["L2", "L3"] } }, orderBy: { slug: "asc" } });
    const created = await createJob(prisma, { tenant, profile, topic: `job.e2e_pk_${Date.now().toString(36)}.write`, riskTags: ["writes"], payload: { e2e: "passkey" } });
    return { ...created, tier: profile.tier };
  });
  await virtualAuthenticator(page);
  await page.goto(`${origin}/signin`);
  await signInAs(page, email);

  // No passkey yet: told where to add one, and the vote buttons are disabled.
  await page.goto(`${origin}/approvals/${job.id}`);
  const notice = page.getByTestId("passkey-required");
  await expect(notice).toContainText(`Votes on ${job.tier} jobs are signed with your passkey.`);
  await expect(notice).toContainText("You have no passkey yet");
  await expect(page.getByRole("button", { name: "Approve" })).toBeDisabled();
  await notice.getByRole("link", { name: "add one under Security" }).click();

  // Add one: the virtual authenticator creates it.
  await expect(page).toHaveURL(/\/security$/);
  await page.getByLabel("Name").fill("e2e virtual key");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Passkey “" })).toHaveText("Passkey “e2e virtual key” added.");
  await expect(page.getByRole("list", { name: "Your passkeys" })).toContainText("e2e virtual key");

  // Approve: the console's statement is signed by the passkey and sent with the vote.
  await page.goto(`${origin}/approvals/${job.id}`);
  await expect(page.getByTestId("passkey-required")).toContainText("Your device will ask you to confirm.");
  await page.getByLabel("Note (required)").fill("Checked with the ticket owner; signed with my passkey.");
  await page.getByRole("button", { name: "Approve" }).click();
  await expect(page.getByRole("status").filter({ hasText: "You approved this job" })).toBeVisible();

  const vote = await withDb((prisma) => prisma.jobVote.findFirstOrThrow({ where: { jobId: job.id } }));
  const evidence = vote.passkey as unknown as DecisionEvidence;
  expect(evidence.statement).toMatchObject({ action: "job.approve", jobId: job.id, jobHash: job.jobHash });
  expect(evidence.rp).toEqual({ id: "localhost", origin });
  expect(verifyDecisionEvidence(evidence)).toEqual({ ok: true });
  const receipt = await withDb((prisma) => prisma.receipt.findFirstOrThrow({ where: { action: "passkey.register", summary: { path: ["passkey"], equals: "e2e virtual key" } } }));
  expect(receipt.scopeType).toBe("user");
});

test("a tenant admin engages and releases a tenant-wide kill switch, each signed with a passkey", async ({ page }) => {
  test.setTimeout(120_000);
  const tag = Date.now().toString(36);
  const { tenant, email } = await withDb(async (prisma) => {
    const { passwordHash } = await prisma.user.findUniqueOrThrow({ where: { email: "tenant-admin@acme.demo" } });
    const created = await prisma.tenant.create({ data: { slug: `zz-pk-${tag}`, name: `Zz Passkey ${tag}` } });
    const user = await prisma.user.create({
      data: { email: `tenant-admin-${tag}@zz-pk.demo`, name: "Passkey Admin", passwordHash, memberships: { create: { tenantId: created.id, role: "tenant_admin" } } },
    });
    return { tenant: created, email: user.email };
  });
  await virtualAuthenticator(page);
  await page.goto(`${origin}/signin`);
  await signInAs(page, email);
  await page.goto(`${origin}/security`);
  await page.getByLabel("Name").fill("admin key");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Passkey “" })).toHaveText("Passkey “admin key” added.");

  await page.goto(`${origin}/kill-switches`);
  const form = page.getByRole("form", { name: "Choose what to stop" });
  await form.getByLabel("Scope").selectOption("tenant");
  await form.getByLabel("Tenant", { exact: true }).selectOption(tenant.slug);
  await form.getByRole("button", { name: "Preview plan" }).click();
  const confirm = page.getByRole("form", { name: "Confirm kill switch" });
  await expect(confirm.getByTestId("passkey-required")).toContainText("A tenant-wide kill switch is engaged and released with your passkey.");
  await confirm.getByLabel("Reason (required)").fill(`Stop ${tag}: leaked token`);
  await confirm.getByRole("button", { name: "Engage kill switch" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Kill switch engaged" })).toBeVisible();

  await page.goto(`${origin}/kill-switches`);
  await page.getByRole("button", { name: `Release kill switch: tenant ${tenant.slug}` }).click();
  const release = page.getByRole("form", { name: `Release kill switch: tenant ${tenant.slug}` });
  await expect(release.getByTestId("passkey-required")).toBeVisible();
  await release.getByLabel("Reason for releasing (required)").fill("Token rotated");
  await release.getByRole("button", { name: "Confirm release" }).click();
  await expect(page.getByRole("table", { name: "Kill switch history" })).toContainText("Token rotated");

  const sw = await withDb((prisma) => prisma.killSwitch.findFirstOrThrow({ where: { tenantId: tenant.id } }));
  expect(verifyDecisionEvidence(sw.engagePasskey as unknown as DecisionEvidence<SwitchStatement>)).toEqual({ ok: true });
  expect(verifyDecisionEvidence(sw.releasePasskey as unknown as DecisionEvidence<SwitchStatement>)).toEqual({ ok: true });
  expect((sw.releasePasskey as unknown as DecisionEvidence<SwitchStatement>).statement.switch).toEqual({ id: sw.id, reason: "Token rotated" });
});
