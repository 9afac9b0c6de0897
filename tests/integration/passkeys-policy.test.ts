/**
 * A policy can require passkey-signed votes (issue 17 §1): a REQUIRE_APPROVAL
 * rule with `passkey: true` marks the jobs it holds, through the real jobs
 * API, and a vote on such a job without a passkey is refused, saying how to
 * add one — even where the console's tier setting asks for none (the
 * integration suites run with CELLGATE_PASSKEY_MIN_TIER=off).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/jobs/route";
import { setDatabase } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { voteOnJobAction } from "@/lib/server/approvals/vote";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createActor } from "../support/job-factory";
import { createJobsHost, insertPolicy, jobBody, signedCall, toRequest, type JobsHost } from "./jobs-support";

const BASE = "http://console.test/api/v1/jobs";

describe.each(BACKENDS)("a policy asking for passkey-signed votes (%s)", (backend) => {
  let database: TestDatabase;
  let host: JobsHost;

  beforeAll(async () => {
    expect(process.env.CELLGATE_PASSKEY_MIN_TIER).toBe("off");
    resetEnvCache();
    database = await createTestDatabase(backend);
    setDatabase(database);
    host = await createJobsHost(database.prisma);
    await insertPolicy(database.prisma, {
      level: "tenant",
      scopeKey: `tenant:${host.tenantId}`,
      tenantId: host.tenantId,
      source: [
        "apiVersion: cellgate/v1",
        "kind: Policy",
        "level: tenant",
        `tenant: ${host.tenantSlug}`,
        "rules:",
        "  - id: refunds-signed",
        '    match: { topics: ["job.*.write.refund*"] }',
        "    decision: REQUIRE_APPROVAL",
        "    reason: refunds are signed by a human's passkey",
        "    passkey: true",
        "tests: []",
        "",
      ].join("\n"),
    });
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  const submit = async (topic: string) => {
    const res = await POST(toRequest(signedCall("POST", BASE, host, JSON.stringify(jobBody(host, { topic })))));
    expect(res.status).toBe(201);
    const job = (await res.json()) as { id: string; jobHash: string; status: string };
    expect(job.status).toBe("PENDING_APPROVAL");
    return job;
  };

  it("marks the jobs its rule holds, and refuses a vote on them without a passkey; other pending jobs take a plain vote", async () => {
    const refund = await submit("job.bridge.write.refund_order");
    const plain = await submit("job.bridge.write.update_ticket");
    const flags = await database.prisma.job.findMany({ where: { id: { in: [refund.id, plain.id] } }, select: { id: true, passkeyRequired: true } });
    expect(Object.fromEntries(flags.map((f) => [f.id, f.passkeyRequired]))).toEqual({ [refund.id]: true, [plain.id]: false });

    const approver = await createActor(database.prisma, host.tenantId, "approver");
    const vote = (job: { id: string; jobHash: string }) =>
      voteOnJobAction.execute({ actor: approver, database }, { jobId: job.id, vote: "approve", note: "Checked.", seenHash: job.jobHash });
    expect(await vote(refund)).toMatchObject({
      ok: false,
      error: { code: "forbidden", message: "The policy asks for passkey-signed votes on this job. You have no passkey yet. Add one under Security (/security), then vote again." },
    });
    expect(await database.prisma.jobVote.count({ where: { jobId: refund.id } })).toBe(0);
    expect(await vote(plain)).toMatchObject({ ok: true, data: { passkey: null } });
  });
});
