/**
 * `cellgate profile promote|rollback` against the BUILT console on both
 * databases (beside it on the embedded default): the dry run prints every
 * gate item and changes nothing; --apply on a profile without evidence is
 * refused naming the unmet items (exit 1, a receipt); on a proven one it
 * queues a governance.promote job; rollback needs a reason and writes the
 * history. Receipts name the token's owner.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVIDENCE_ITEMS } from "../../lib/domain/evidence";
import { requiredControls } from "../../lib/domain/tiers";
import { runCli } from "../support/cli";
import { openConsoleStore, type ConsoleStore, type ServedConsole } from "../support/console-store";
import { BACKENDS, randomSlug } from "../support/databases";
import { createProfile, createTenant, TEST_DIGEST } from "../support/factories";
import { mintTokenFor } from "../support/tokens";

describe.each(BACKENDS)("cellgate profile promote|rollback against a running console (%s)", (backend) => {
  let store: ConsoleStore;
  let served: ServedConsole;
  let env: Record<string, string>;
  let operatorEmail: string;
  let tokenId: string;
  const bare = randomSlug("bare");
  const proven = randomSlug("proven");

  beforeAll(async () => {
    store = await openConsoleStore(backend);
    await store.use(async (db) => {
      const tenant = await createTenant(db.prisma, "acme");
      operatorEmail = `${randomSlug("op")}@example.test`;
      await db.prisma.user.create({ data: { email: operatorEmail, name: "Operator", memberships: { create: { tenantId: tenant.id, role: "operator" } } } });
      await createProfile(db.prisma, tenant.id, { slug: bare, tier: "L2" });
      const profile = await createProfile(db.prisma, tenant.id, { slug: proven, tier: "L2" });
      const observedAt = new Date(Date.now() - 60_000);
      for (const item of EVIDENCE_ITEMS) {
        const detail = item === "rollback_proven" ? { durationSec: 80 } : item === "intended_digest" ? { digest: TEST_DIGEST } : {};
        await db.prisma.profileEvidence.create({ data: { profileId: profile.id, item, passed: true, observedAt, detail } });
      }
      for (const control of requiredControls("L2")) {
        await db.prisma.profileControl.create({ data: { profileId: profile.id, control, evidencedAt: observedAt, source: "test" } });
      }
      const minted = await mintTokenFor(db, operatorEmail, { scope: tenant.slug, permissions: ["registry.read", "canary.promote", "canary.rollback"] });
      tokenId = minted.id;
      env = { CELLGATE_CONFIG_DIR: path.join(store.dir, "config"), CELLGATE_URL: "", CELLGATE_TOKEN: minted.token };
    });
    served = await store.serve();
    env.CELLGATE_URL = served.url;
  }, 240_000);
  afterAll(async () => {
    await store?.close();
  });

  it("a dry run prints every gate item and changes nothing", async () => {
    const dry = await runCli(["profile", "promote", bare], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`profile promote ${bare} → ${served.url} (dry run)`);
    expect(dry.stdout).toContain("✓ deploy_only → read_only");
    expect(dry.stdout).toContain("✗ Secrets not logged: missing");
    expect(dry.stdout).toMatch(/Gate refuses: \d+ items unmet\./);
  });

  it("--apply without evidence is refused naming the unmet items, exit 1, with a receipt", async () => {
    const refused = await runCli(["profile", "promote", bare, "--apply"], env);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("✗ Intended digest running: missing");
    expect(refused.stderr).toMatch(new RegExp(`promotion refused by the gate; receipt rcpt_\\S+, audit seq \\d+ \\(as ${operatorEmail.replace(/\./g, "\\.")}\\)`));
  });

  it("--apply on a proven profile queues the promotion; a second request is refused naming the first", async () => {
    const requested = await runCli(["profile", "promote", proven, "--apply"], env);
    expect(requested.code, requested.stderr).toBe(0);
    expect(requested.stdout).toContain("Gate passes: the promotion needs 1 approval.");
    const job = /Requested: job (job_\S+) waits for 1 approval/.exec(requested.stdout)?.[1];
    expect(job).toBeDefined();
    const again = await runCli(["profile", "promote", proven, "--apply"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`already waiting for approval (job ${job})`);
    const dry = await runCli(["profile", "promote", proven], env);
    expect(dry.stdout).toContain(`A promotion to read_only already waits for approval: job ${job}.`);
  });

  it("rollback needs a reason, prints its plan, and with --apply rolls back, voiding the pending promotion", async () => {
    const usage = await runCli(["profile", "rollback", proven], env);
    expect(usage.code).toBe(2);
    const dry = await runCli(["profile", "rollback", proven, "--reason", "error budget burnt"], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("deploy_only → rolled_back, to https://rollback.internal/x");
    expect(dry.stdout).toContain("Nothing changed: add --apply to roll back.");
    const applied = await runCli(["profile", "rollback", proven, "--reason", "error budget burnt", "--apply"], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`Rolled back ${proven}: deploy_only → rolled_back, to https://rollback.internal/x (1 pending promotion voided)`);
    expect(applied.stdout).toContain(`token ${tokenId}`);
    const other = await runCli(["profile", "promote", "no-such-profile"], env);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/not found/i);
  });

  it("the history and receipts are in the database", async () => {
    await served.stop();
    await store.use(async (db) => {
      const profile = await db.prisma.profile.findUniqueOrThrow({ where: { slug: proven } });
      expect(profile.canaryStage).toBe("rolled_back");
      const changes = await db.prisma.stageChange.findMany({ where: { profileId: profile.id } });
      expect(changes.map((c) => [c.kind, c.fromStage, c.toStage, c.reason])).toEqual([["rollback", "deploy_only", "rolled_back", "error budget burnt"]]);
      const receipts = await db.prisma.receipt.findMany({ where: { action: { in: ["canary.promote", "canary.rollback"] } }, orderBy: { auditSeq: "asc" } });
      expect(receipts.map((r) => [r.action, r.tokenId])).toEqual([
        ["canary.promote", tokenId],
        ["canary.promote", tokenId],
        ["canary.rollback", tokenId],
      ]);
    });
  });
});
