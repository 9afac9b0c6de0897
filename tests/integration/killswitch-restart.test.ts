/**
 * Switches are rows, not process memory: after the console closes its
 * database and opens it again (a restart), an engaged switch is still in
 * force and still denies, and its release still shows in history.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db";
import { applyMigrations } from "@/lib/migrate";
import { engageKillSwitchAction, listKillSwitches, releaseKillSwitchAction, switchesCovering } from "@/lib/server/killswitches";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor } from "../support/job-factory";

describe.each(BACKENDS)("kill switches across a restart (%s)", (backend) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  /** Open the same database twice, one after the other, as two process lifetimes would. */
  async function lifetimes(): Promise<{ first: Database; reopen: () => Promise<Database> }> {
    if (backend === "pglite") {
      const dir = mkdtempSync(path.join(tmpdir(), "cg-ks-restart-"));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const first = await openDatabase({ dataDir: dir });
      await applyMigrations(first.sql);
      return { first, reopen: () => openDatabase({ dataDir: dir }) };
    }
    const test: TestDatabase = await createTestDatabase(backend);
    cleanups.push(() => test.close());
    const first = await openDatabase({ url: test.url! });
    return { first, reopen: () => openDatabase({ url: test.url! }) };
  }

  it("an engaged switch is still in force after a restart, and its release is kept", async () => {
    const { first, reopen } = await lifetimes();
    const tenant = await createTenant(first.prisma, "acme");
    const profile = await createProfile(first.prisma, tenant.id);
    const admin = await createActor(first.prisma, tenant.id, "tenant_admin");
    const engaged = await engageKillSwitchAction.execute({ actor: admin, prisma: first.prisma }, { scope: "tenant", tenant: tenant.slug, reason: "before the restart" });
    if (!engaged.ok) throw new Error(engaged.error.message);
    await first.close();

    const second = await reopen();
    try {
      const target = { tenantId: tenant.id, profileId: profile.id, topic: "job.bridge.read.ticket", riskTags: [] };
      expect((await switchesCovering(second.prisma, target, new Date())).map((s) => s.id)).toEqual([engaged.data.id]);
      const released = await releaseKillSwitchAction.execute({ actor: admin, prisma: second.prisma }, { id: engaged.data.id, reason: "after the restart" });
      expect(released).toMatchObject({ ok: true });
      expect(await switchesCovering(second.prisma, target, new Date())).toEqual([]);
      const list = await listKillSwitches(second.prisma, admin, new Date());
      expect(list.history.find((s) => s.id === engaged.data.id)).toMatchObject({ reason: "before the restart", releaseReason: "after the restart" });
    } finally {
      await second.close();
    }
  });
});
