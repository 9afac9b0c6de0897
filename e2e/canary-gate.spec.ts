/**
 * The governance gate in a browser: an operator asks to promote a profile
 * and sees every unmet item; a proven profile's request goes to an approver,
 * whose approval moves the stage; a tenant admin rolls it back and watches
 * the profile's host — the reference agent, `cellgate agent run`, as a
 * separate process talking signed HTTP to the console — carry it out.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { EVIDENCE_ITEMS } from "../lib/domain/evidence";
import { requiredControls } from "../lib/domain/tiers";
import { createProfile, TEST_DIGEST } from "../tests/support/factories";
import { REPO_ROOT } from "./support/app-server";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

const CLI = path.join(REPO_ROOT, "bin", "cellgate.mjs");

/** A host for `slug`: a key made by `cellgate agent keygen`, its public half registered and bound to the profile. */
async function bindHost(slug: string, dir: string): Promise<{ hostId: string; keyId: string; keyFile: string }> {
  const hostId = `${slug}-host`;
  const keyFile = path.join(dir, "host.key");
  const keygen = spawnSync(process.execPath, [CLI, "agent", "keygen", "--out", keyFile, "--host", hostId, "--profile", slug], { encoding: "utf8" });
  if (keygen.status !== 0) throw new Error(`agent keygen exited ${keygen.status}: ${keygen.stderr}`);
  const out = keygen.stdout;
  const keyId = /key id:\s+(\S+)/.exec(out)![1]!;
  const publicKey = /public key:\s+(\S+)/.exec(out)![1]!;
  await withDb(async (prisma) => {
    const profile = await prisma.profile.findUniqueOrThrow({ where: { slug } });
    await prisma.host.create({ data: { id: hostId, profiles: { create: { profileId: profile.id } }, keys: { create: { id: keyId, publicKey } } } });
  });
  return { hostId, keyId, keyFile };
}

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

test("a proven profile's promotion is approved by an approver, then a tenant admin rolls it back and watches the host carry it out", async ({ pageAs }) => {
  test.setTimeout(120_000);
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

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-e2e-agent-"));
  const host = await bindHost(slug, dir);
  const admin = await pageAs("tenant-admin@acme.demo");
  await admin.goto(`/profiles/${slug}`);
  const canary = admin.getByRole("region", { name: "Canary stage and gate" });
  await expect(canary.getByRole("list", { name: "Stage history" })).toContainText("promotion deploy_only → read_only by approver@acme.demo");
  await canary.getByRole("button", { name: "Roll back" }).click();
  await canary.getByLabel("Reason for rolling back (required)").fill("Error rate doubled after the deploy");
  await canary.getByRole("button", { name: "Confirm rollback" }).click();
  await expect(canary.getByRole("status").filter({ hasText: "Rolled back to" })).toContainText("Rolled back to https://rollback.internal/x");
  await admin.reload();
  const history = admin.getByRole("region", { name: "Canary stage and gate" }).getByRole("list", { name: "Stage history" });
  await expect(history).toContainText("rollback read_only → rolled_back by tenant-admin@acme.demo");
  const execution = history.getByTestId("rollback-execution");
  await expect(execution).toContainText("not reported carried out yet");

  // The host's agent fetches its signed directives, runs the rollback command and reports it.
  const marker = path.join(dir, "rolled-back");
  let agent: ChildProcess | undefined;
  try {
    agent = spawn(
      process.execPath,
      [
        CLI, "agent", "run", "--url", new URL("/", admin.url()).origin, "--key", host.keyFile, "--key-id", host.keyId, "--profile", slug,
        "--spool", path.join(dir, "spool"), "--directives-out", path.join(dir, "directives.json"), "--directives-sec", "1", "--heartbeat-sec", "5",
        "--on-rollback", `sleep 1; echo "$CELLGATE_ROLLBACK_PROFILE $CELLGATE_ROLLBACK_ENDPOINT" > ${JSON.stringify(marker)}`, "--max-seconds", "50",
      ],
      { stdio: "inherit" },
    );
    // No reload: the page refreshes itself while the rollback is outstanding.
    await expect(execution).toContainText(/Carried out by the host .* in \d+(\.\d+)? s, \d+(\.\d+)? s after the request\./, { timeout: 40_000 });
    expect(fs.readFileSync(marker, "utf8").trim()).toBe(`${slug} https://rollback.internal/x`);
  } finally {
    agent?.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
