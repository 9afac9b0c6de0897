import "server-only";
/**
 * Demo data for an EMPTY database (no tenants): the demo fleet from
 * lib/domain/registry/demo-catalog.ts applied through the same registry
 * plan/apply path the CLI uses, then tier-control attestations, demo users,
 * and a key rotation — each step with its receipt, all in one transaction,
 * plus every profile's ingest history (heartbeats, denials, costs, evidence,
 * one redacted secret) as ingest would have stored it, covered by the seed's
 * receipt; health, unit state and last heartbeat follow from those events.
 * Then demo jobs through the signed submission path, and the canary stages
 * through the gate (lib/server/canary/demo.ts): promotions requested and
 * approved on the evidence, refusals where it falls short, a rollback; last,
 * the leak acme-ticket-triage's host finds after its promotions, which
 * demotes it as ingest would. Host keys are fresh Ed25519 key pairs of which
 * only the public halves are kept.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import type { Database, Tx } from "@/lib/db";
import { demoActivity } from "@/lib/domain/dashboards/demo-activity";
import { demoHistory, type DemoEvent, type DemoProfileHistory } from "@/lib/domain/evidence/demo-events";
import { canonicalHash } from "@/lib/domain/hash";
import {
  DEMO_ROLES,
  DEMO_TENANTS,
  demoEmail,
  demoManifest,
  demoProfiles,
  type DemoHostKey,
} from "@/lib/domain/registry/demo-catalog";
import { planHostRotate } from "@/lib/domain/registry/host-plan";
import { planRegistrySync } from "@/lib/domain/registry/plan";
import { writeReceipt } from "@/lib/server/audit";
import { seedDemoJobs } from "@/lib/server/jobs/demo";
import { seedDemoPolicies } from "@/lib/server/policies/demo";
import { hashPassword } from "@/lib/server/passwords";
import { applyPlan, planReceipt } from "@/lib/server/registry/apply-plan";
import { loadRegistryState, stateQueryFor } from "@/lib/server/registry/load-state";
import { computeHealth } from "@/lib/domain/ingest/health";
import type { HealthState } from "@/lib/domain/tiers";
import { seedDemoStages } from "./canary/demo";
import { demoteOnFailure } from "./ingest/effects";
import { prismaQuery } from "@/lib/sql";

export interface DemoUser {
  email: string;
  role: string;
}

export interface DemoCounts {
  tenants: number;
  profiles: number;
  hosts: number;
  keys: number;
  users: number;
}

export type SeedResult =
  | { status: "already-seeded" }
  | { status: "planned"; counts: DemoCounts }
  | {
      status: "seeded";
      counts: DemoCounts;
      users: DemoUser[];
      password: string;
      passwordGenerated: boolean;
      receiptId: string;
      /** null if the seed's receipt was still pending seal when it returned. */
      auditSeq: number | null;
    };

const SEED_ACTOR = { type: "system" as const, id: "demo-seed" };
const SEED_LOCK = 72_290_418; // arbitrary, constant: "cellgate demo seed"

export function generateEd25519PublicKey(): string {
  const der = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32).toString("base64");
}

function demoUsers(): (DemoUser & { name: string; tenant: string | null; platformAdmin: boolean })[] {
  const users = DEMO_TENANTS.flatMap((t) =>
    DEMO_ROLES.map((role) => ({
      email: demoEmail(role, t.slug),
      role,
      name: `${t.name} ${role === "tenant_admin" ? "Tenant Admin" : role[0]!.toUpperCase() + role.slice(1)}`,
      tenant: t.slug as string | null,
      platformAdmin: false,
    })),
  );
  return [...users, { email: "admin@cellgate.demo", role: "platform_admin", name: "Platform Admin", tenant: null, platformAdmin: true }];
}

export async function seedDemo(database: Database, options: { apply: boolean; password?: string }): Promise<SeedResult> {
  const prisma = database.prisma;
  if ((await prisma.tenant.count()) > 0) return { status: "already-seeded" };

  const keyCount = new Map<string, number>();
  const manifest = demoManifest((hostId, count) =>
    Array.from({ length: count }, (_, n): DemoHostKey => {
      keyCount.set(hostId, (keyCount.get(hostId) ?? 0) + 1);
      return { id: `${hostId}-2026-${String(5 + n * 6).padStart(2, "0")}`, publicKey: generateEd25519PublicKey() };
    }),
  );
  const users = demoUsers();
  const rotated = "acme-sandbox-02";
  const counts: DemoCounts = {
    tenants: manifest.tenants.length,
    profiles: manifest.profiles.length,
    hosts: manifest.hosts.length,
    keys: [...keyCount.values()].reduce((a, b) => a + b, 0) + 1,
    users: users.length,
  };
  if (!options.apply) return { status: "planned", counts };

  const passwordGenerated = !options.password;
  const password = options.password ?? randomBytes(12).toString("base64url");
  const hashes = new Map<string, string>();
  for (const user of users) hashes.set(user.email, await hashPassword(password));
  const extras = demoProfiles().map((p) => p.extras);
  const now = Date.now();

  const receipt = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK})`;
      if ((await tx.tenant.count()) > 0) return null;

      const plan = planRegistrySync(manifest, await loadRegistryState(tx, stateQueryFor(manifest)));
      await writeReceipt(tx, {
        ...planReceipt(plan, await applyPlan(tx, plan), { request: { source: "demo fleet" }, origin: "cellgate demo seed" }),
        action: "registry.sync",
        actor: SEED_ACTOR,
      });

      const profiles = new Map((await tx.profile.findMany({ select: { id: true, slug: true } })).map((p) => [p.slug, p.id]));
      await tx.profileControl.createMany({
        data: extras.flatMap((e, i) =>
          e.controls.map((control, k) => ({
            profileId: profiles.get(e.slug)!,
            control,
            evidencedAt: new Date(now - ((i * 7 + k * 3) % 60) * 86_400_000 - 3_600_000),
            source: `evidence/${e.slug.split("-")[0]}/${e.slug.split("-").slice(1).join("-")}/${control}.json`,
          })),
        ),
      });

      const tenants = new Map((await tx.tenant.findMany()).map((t) => [t.slug, t.id]));
      let platformAdminId: string | undefined;
      for (const user of users) {
        const created = await tx.user.create({
          data: { email: user.email, name: user.name, passwordHash: hashes.get(user.email)!, platformAdmin: user.platformAdmin },
        });
        if (user.platformAdmin) platformAdminId ??= created.id;
        if (user.tenant && user.role !== "platform_admin") {
          await tx.membership.create({
            data: { userId: created.id, tenantId: tenants.get(user.tenant)!, role: user.role as (typeof DEMO_ROLES)[number] },
          });
        }
      }

      // A routine key rotation, so the demo shows a revoked key and its receipt.
      const rotation = planHostRotate(
        { hostId: rotated, keyId: `${rotated}-2026-11`, publicKey: generateEd25519PublicKey(), revokeOld: true },
        await loadRegistryState(tx, { hostIds: [rotated], keyIds: [`${rotated}-2026-11`] }),
      );
      await writeReceipt(tx, {
        ...planReceipt(rotation, await applyPlan(tx, rotation), { request: { hostId: rotated }, origin: "cellgate demo seed", hostId: rotated }),
        action: "host.rotate",
        actor: SEED_ACTOR,
      });

      const seeded = await writeReceipt(tx, {
        action: "demo.seed",
        actor: SEED_ACTOR,
        scope: { type: "platform", id: "demo" },
        request: { tenants: DEMO_TENANTS.map((t) => t.slug), users: users.map((u) => u.email) },
        result: counts,
        summary: { ...counts, users: users.map((u) => u.email) },
      });
      await seedDemoEvents(tx, seeded.id, now, new Map(extras.map((e) => [e.slug, e.health])));
      await seedDemoActivity(tx, seeded.id, now);
      // The demo policies, applied by the platform admin through the same path as `policy apply --apply`.
      await seedDemoPolicies(tx, platformAdminId!);
      return seeded;
    },
    { timeout: 180_000, maxWait: 30_000 },
  );
  if (!receipt) return { status: "already-seeded" };
  // A few jobs through the real signed-submission path (it opens its own transactions).
  await seedDemoJobs(database);
  // The canary stages, through the gate and the approvals (their own transactions and receipts).
  const tiers = new Map(manifest.profiles.map((p) => [p.slug, p]));
  await seedDemoStages(
    database,
    extras.map((e) => ({ slug: e.slug, tenant: tiers.get(e.slug)!.tenant, tier: tiers.get(e.slug)!.tier, target: e.targetStage })),
  );
  await applyLaterFailures(database, receipt.id);
  return {
    status: "seeded",
    counts,
    users: users.map(({ email, role }) => ({ email, role })),
    password,
    passwordGenerated,
    receiptId: receipt.id,
    auditSeq: receipt.auditSeq,
  };
}

// ---------------------------------------------------------------------------
// Demo ingest history: each profile's events are one batch from its first
// bound host, acknowledged under the demo.seed receipt.

/** The rich story (denials, a redaction, no canary traffic, a leak found after promotion). */
const RICH_PROFILE = "acme-ticket-triage";
/** Its last rollback drill took too long: the gate refuses it and says so. */
const SLOW_DRILL_PROFILE = "acme-chat-concierge";

/** The tenants whose workloads are busy (tools, egress, model spend); initech's are quiet: health and evidence only. */
const BUSY_TENANTS = new Set(["acme", "globex"]);

/** A profile's first bound host and its active key: the demo batches' sender. */
const FIRST_HOST = {
  orderBy: { hostId: "asc" },
  take: 1,
  select: { host: { select: { id: true, keys: { where: { status: "active" }, take: 1, select: { id: true } } } } },
} as const;

async function seedDemoEvents(tx: Tx, receiptId: string, now: number, health: Map<string, HealthState>): Promise<void> {
  const profiles = await tx.profile.findMany({
    orderBy: { slug: "asc" },
    select: { id: true, slug: true, tenantId: true, artifactDigest: true, tenant: { select: { slug: true } }, hosts: FIRST_HOST },
  });
  for (const p of profiles) {
    const host = p.hosts[0]?.host;
    if (!host) continue;
    const history = demoHistory(
      {
        slug: p.slug,
        health: health.get(p.slug) ?? "unknown",
        artifactDigest: p.artifactDigest,
        hostId: host.id,
        rich: p.slug === RICH_PROFILE,
        slowDrill: p.slug === SLOW_DRILL_PROFILE,
        quiet: !BUSY_TENANTS.has(p.tenant.slug),
      },
      now,
      randomUUID,
    );
    if (history.events.length === 0) continue; // the host never reported: health stays unknown
    await storeDemoBatch(tx, receiptId, now, { tenantId: p.tenantId, profileId: p.id, hostId: host.id, keyId: host.keys[0]?.id }, history);
    // Health from the heartbeats just stored, as ingest and the refresh would judge it now.
    const judged = computeHealth({ lastHeartbeatAt: history.profile.lastHeartbeatAt, intervalSec: history.profile.heartbeatIntervalSec, now: new Date(now) });
    await tx.profile.update({ where: { id: p.id }, data: { ...history.profile, health: judged } });
    await tx.profileEvidence.createMany({ data: history.evidence.map((e) => ({ profileId: p.id, ...e, detail: e.detail as object })) });
  }
}

/**
 * What the rich story's host finds after the gate promoted it: one evidence
 * event, stored as ingest would (a batch under the seed's receipt), and the
 * demotion ingest applies to a failing item on a limited or promoted profile.
 */
async function applyLaterFailures(database: Database, receiptId: string): Promise<void> {
  await database.prisma.$transaction(async (tx) => {
    const p = await tx.profile.findUnique({ where: { slug: RICH_PROFILE }, select: { id: true, slug: true, tenantId: true, artifactDigest: true, hosts: FIRST_HOST } });
    const host = p?.hosts[0]?.host;
    if (!p || !host) return;
    const failure = demoHistory({ slug: p.slug, health: "healthy", artifactDigest: p.artifactDigest, hostId: host.id, rich: true }, Date.now(), randomUUID).laterFailure;
    if (!failure) return;
    const now = new Date();
    const event: DemoEvent = {
      id: randomUUID(),
      eventId: `demo-${p.slug}-finding-${failure.item}`,
      type: "canary.evidence",
      occurredAt: now,
      traceId: null,
      attributes: { item: failure.item, passed: false, ...failure.detail },
      redactions: null,
    };
    await storeDemoBatch(tx, receiptId, now.getTime(), { tenantId: p.tenantId, profileId: p.id, hostId: host.id, keyId: host.keys[0]?.id }, { events: [event], costs: [] });
    const observed = { item: failure.item, passed: false, observedAt: now, detail: failure.detail as object, eventId: event.id };
    await tx.profileEvidence.upsert({
      where: { profileId_item: { profileId: p.id, item: failure.item } },
      create: { profileId: p.id, ...observed },
      update: observed,
    });
    await demoteOnFailure(prismaQuery(tx), { profileId: p.id, tenantId: p.tenantId, eventId: event.id }, { ...observed, detail: failure.detail }, now);
  });
}

/** Thirty days of denials, redactions and model spend for every acme and globex profile (initech stays quiet). */
async function seedDemoActivity(tx: Tx, receiptId: string, now: number): Promise<void> {
  const profiles = await tx.profile.findMany({
    where: { tenant: { slug: { in: [...BUSY_TENANTS] } } },
    orderBy: { slug: "asc" },
    select: {
      id: true,
      slug: true,
      tenantId: true,
      deniedTools: true,
      egress: true,
      hosts: FIRST_HOST,
    },
  });
  for (const p of profiles) {
    const host = p.hosts[0]?.host;
    if (!host) continue;
    const activity = demoActivity({ slug: p.slug, deniedTools: p.deniedTools, egress: p.egress }, now, randomUUID);
    await storeDemoBatch(tx, receiptId, now, { tenantId: p.tenantId, profileId: p.id, hostId: host.id, keyId: host.keys[0]?.id }, activity);
  }
}

/** One ingest batch of demo events (and their cost records) as ingest would have stored it, under the seed's receipt. */
async function storeDemoBatch(
  tx: Tx,
  receiptId: string,
  now: number,
  at: { tenantId: string; profileId: string; hostId: string; keyId: string | undefined },
  history: { events: DemoEvent[]; costs: DemoProfileHistory["costs"] },
): Promise<void> {
  const batch = await tx.ingestBatch.create({
    data: {
      id: randomUUID(),
      hostId: at.hostId,
      keyId: at.keyId ?? `${at.hostId}-demo`,
      receivedAt: new Date(now),
      batchHash: canonicalHash(history.events.map(({ id: _id, redactions: _r, ...e }) => ({ ...e, occurredAt: e.occurredAt.toISOString() }))),
      accepted: history.events.length,
      duplicates: 0,
      receiptId,
    },
  });
  await tx.ingestEvent.createMany({
    data: history.events.map((e) => ({
      id: e.id,
      hostId: at.hostId,
      eventId: e.eventId,
      batchId: batch.id,
      tenantId: at.tenantId,
      profileId: at.profileId,
      type: e.type,
      occurredAt: e.occurredAt,
      receivedAt: new Date(Math.min(now, e.occurredAt.getTime() + 2_000)),
      traceId: e.traceId,
      attributes: e.attributes as object,
      redactions: e.redactions ?? undefined,
    })),
  });
  await tx.costRecord.createMany({ data: history.costs.map((c) => ({ tenantId: at.tenantId, profileId: at.profileId, ...c })) });
}
