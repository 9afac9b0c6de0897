/**
 * The auditor's journey: the audit log filtered to fresh entries, an entry's
 * detail with its hash check, and a job's trace; a viewer gets 404 and
 * another tenant's auditor never sees acme's entries. Entries are appended
 * straight into the e2e database with the console's own chain protocol (head
 * row locked, hash over the canonical fields), so the chain stays valid.
 */
import { randomBytes } from "node:crypto";
import { hashAuditEntry, type AuditFields } from "../lib/domain/audit/chain";
import type { PrismaClient } from "../lib/generated/prisma/client";
import { createJob } from "../tests/support/job-factory";
import { withDb } from "./support/db";
import { expect, test } from "./support/fixtures";

type EntryInput = Pick<AuditFields, "action" | "resource" | "tenantId" | "profileId" | "traceId" | "decision"> & { actor: string; data: unknown };

async function appendEntry(prisma: PrismaClient, input: EntryInput): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const [head] = await tx.$queryRawUnsafe<{ seq: number; hash: string }[]>(`SELECT seq, hash FROM "AuditHead" WHERE id = 1 FOR UPDATE`);
    const [actorType, ...rest] = input.actor.split(":");
    const fields: AuditFields = {
      seq: head!.seq + 1,
      time: new Date(),
      actorType: actorType!,
      actorId: rest.join(":"),
      action: input.action,
      resource: input.resource,
      tenantId: input.tenantId,
      profileId: input.profileId,
      decision: input.decision,
      requestHash: null,
      resultHash: null,
      traceId: input.traceId,
      data: JSON.parse(JSON.stringify(input.data)) as unknown,
      prevHash: head!.hash,
    };
    const hash = hashAuditEntry(fields);
    await tx.$executeRawUnsafe(
      `INSERT INTO "AuditEntry" (seq, time, "actorType", "actorId", action, resource, "tenantId", "profileId", decision,
         "requestHash", "resultHash", "traceId", data, "prevHash", hash)
       VALUES ($1::int, $2::timestamptz, $3, $4, $5, $6, $7::uuid, $8::uuid, $9, NULL, NULL, $10, $11::jsonb, $12, $13)`,
      fields.seq, fields.time.toISOString(), fields.actorType, fields.actorId, fields.action, fields.resource, fields.tenantId,
      fields.profileId, fields.decision, fields.traceId, JSON.stringify(fields.data), fields.prevHash, hash,
    );
    await tx.$executeRawUnsafe(`UPDATE "AuditHead" SET seq = $1::int, hash = $2 WHERE id = 1`, fields.seq, hash);
    return fields.seq;
  });
}

/** A pending acme job with its job.submit entry, and one globex entry under a marker action. */
async function arrange(root: string) {
  return withDb(async (prisma) => {
    const acme = await prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const globex = await prisma.tenant.findUniqueOrThrow({ where: { slug: "globex" } });
    const triage = await prisma.profile.findUniqueOrThrow({ where: { slug: "acme-ticket-triage" } });
    const runner = await prisma.profile.findUniqueOrThrow({ where: { slug: "globex-build-runner" } });
    const job = await createJob(prisma, { tenant: acme, profile: triage, topic: `job.${root}.write.update_ticket` });
    const acmeSeq = await appendEntry(prisma, {
      actor: "host:acme-sandbox-01", action: "job.submit", resource: `job:${job.id}`, tenantId: acme.id, profileId: triage.id,
      traceId: job.traceId, decision: "REQUIRE_APPROVAL", data: { job: job.id, topic: job.topic, status: "PENDING_APPROVAL" },
    });
    const globexSeq = await appendEntry(prisma, {
      actor: "host:globex-ci-01", action: `${root}.submit`, resource: "job:job_globex", tenantId: globex.id, profileId: runner.id,
      traceId: randomBytes(16).toString("hex"), decision: "ALLOW", data: { note: "globex only" },
    });
    return { job, acmeSeq, globexSeq };
  });
}

const markerRoot = () => `e2e_${randomBytes(4).toString("hex")}`;

test("an auditor filters the log, opens an entry and follows its trace", async ({ pageAs }) => {
  const { job, acmeSeq } = await arrange(markerRoot());
  const page = await pageAs("auditor@acme.demo");
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(page.getByTestId("chain-verified")).toContainText(/Verified through seq \d+ at/);
  // Other specs (packet export) and the checkpointer may already have taken one.
  await expect(page.getByText(/No signed checkpoint yet|match the checkpoint signed at/)).toBeVisible();

  await page.getByLabel("Trace id").fill(job.traceId);
  await page.getByLabel("Action").fill("job");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`trace=${job.traceId}`));
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-seq", String(acmeSeq));
  await expect(rows.first()).toContainText("host:acme-sandbox-01");

  await page.getByRole("link", { name: `Entry ${acmeSeq}` }).click();
  await expect(page.getByRole("heading", { name: `Audit entry #${acmeSeq}` })).toBeVisible();
  await expect(page.getByText("hash matches contents")).toBeVisible();
  await expect(page.getByLabel("Entry data")).toContainText(job.id);

  await page.getByRole("link", { name: job.traceId }).click();
  await expect(page).toHaveURL(new RegExp(`/audit/trace/${job.traceId}$`));
  const timeline = page.getByRole("list", { name: "Trace timeline" });
  await expect(timeline.locator("li")).toHaveCount(2);
  await expect(timeline.locator("li").nth(0)).toHaveAttribute("data-kind", "request");
  await expect(timeline.locator("li").nth(0)).toContainText(`Job requested: ${job.topic}`);
  await expect(timeline.locator("li").nth(1)).toContainText("Policy decision: REQUIRE_APPROVAL");
  await expect(page.getByRole("link", { name: job.topic })).toBeVisible();
});

test("a viewer gets 404 for the audit log, its entries and traces", async ({ pageAs }) => {
  const { job, acmeSeq } = await arrange(markerRoot());
  const page = await pageAs("viewer@acme.demo");
  for (const path of ["/audit", `/audit/${acmeSeq}`, `/audit/trace/${job.traceId}`]) {
    expect((await page.goto(path))?.status(), path).toBe(404);
  }
});

test("another tenant's auditor sees only their own entries, never acme's", async ({ pageAs }) => {
  const root = markerRoot();
  const { job, acmeSeq, globexSeq } = await arrange(root);
  const page = await pageAs("auditor@globex.demo");
  await page.goto(`/audit?action=${root}`);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-seq", String(globexSeq));
  await page.goto(`/audit?tenant=acme&action=${root}`);
  await expect(page.getByText("No entries match these filters")).toBeVisible();
  expect((await page.goto(`/audit/${acmeSeq}`))?.status()).toBe(404);
  expect((await page.goto(`/audit/trace/${job.traceId}`))?.status()).toBe(404);
});
