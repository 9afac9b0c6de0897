/**
 * Kill switch effects end to end on both backends, through the real route
 * handlers: engage → the jobs API denies covered jobs with the switch as the
 * rule, the signed directives list it, the agent refuses to submit; release →
 * allowed again. Approvals under a switch, and failing safe.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { Pool } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as directivesGET } from "@/app/api/v1/directives/route";
import { POST } from "@/app/api/v1/jobs/route";
import { directivesState, verifyDirectives, writeDirectivesFile, type AgentDirectives } from "@/lib/agent/directives";
import { checkDirectives, jobBody as agentJobBody, JobError, submitJob as agentSubmit } from "@/lib/agent/job";
import { setDatabase } from "@/lib/db";
import { generateEd25519Key, signRequest } from "@/lib/domain/http-signatures";
import { resetEnvCache } from "@/lib/env";
import { voteOnJobAction } from "@/lib/server/approvals/vote";
import { loadDirectives } from "@/lib/server/directives";
import { engageKillSwitchAction, releaseKillSwitchAction } from "@/lib/server/killswitches";
import { KILL_SWITCH_FENCE } from "@/lib/server/killswitches/fence";
import { getPlatformKey, resetPlatformKeyCache } from "@/lib/server/platform-key";
import type { SessionActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createActor, createJob } from "../support/job-factory";
import { createJobsHost, jobBody, signedCall, toRequest, type JobsHost } from "./jobs-support";

const JOBS = "http://console.test/api/v1/jobs";
const DIRECTIVES = "http://console.test/api/v1/directives";
const PEM_VAR = `CG_TEST_KS_PEM_${randomBytes(3).toString("hex")}`;

describe.each(BACKENDS)("kill switch effects (%s)", (backend) => {
  let database: TestDatabase;
  let host: JobsHost;
  let admin: SessionActor;
  let tenant: { id: string; slug: string };
  let profile: { id: string; slug: string };
  let dir: string;
  const platform = generateEd25519Key();

  beforeAll(async () => {
    delete process.env.CELLGATE_WEBHOOK_URL;
    process.env[PEM_VAR] = platform.privateKeyPem;
    process.env.CELLGATE_PLATFORM_KEY = `env:${PEM_VAR}`;
    resetEnvCache();
    resetPlatformKeyCache();
    database = await createTestDatabase(backend);
    setDatabase(database);
    host = await createJobsHost(database.prisma);
    tenant = { id: host.tenantId, slug: host.tenantSlug };
    profile = await database.prisma.profile.findUniqueOrThrow({ where: { slug: host.profiles[0]! }, select: { id: true, slug: true } });
    admin = await createActor(database.prisma, host.tenantId, "tenant_admin");
    dir = mkdtempSync(path.join(tmpdir(), "cg-ks-"));
  });
  afterAll(async () => {
    setDatabase(undefined);
    delete process.env.CELLGATE_PLATFORM_KEY;
    delete process.env[PEM_VAR];
    resetEnvCache();
    resetPlatformKeyCache();
    rmSync(dir, { recursive: true, force: true });
    await database?.close();
  });

  const submit = async (body: unknown) => {
    const res = await POST(toRequest(signedCall("POST", JOBS, host, JSON.stringify(body))));
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; status: string; decision: { ruleIds: string[]; reason: string; decision: string } };
  };
  const engage = async (input: Record<string, unknown>) => {
    const result = await engageKillSwitchAction.execute({ actor: admin, prisma: database.prisma }, input);
    if (!result.ok) throw new Error(result.error.message);
    return result.data;
  };
  const release = async (id: string) => {
    const result = await releaseKillSwitchAction.execute({ actor: admin, prisma: database.prisma }, { id, reason: "all clear" });
    if (!result.ok) throw new Error(result.error.message);
  };
  /** The directives as the agent gets them: signed GET, verified against the platform key. */
  const fetchDirectives = async (): Promise<AgentDirectives> => {
    const headers: Record<string, string> = { Accept: "application/json" };
    Object.assign(headers, signRequest({ method: "GET", url: DIRECTIVES, headers, keyId: host.keyId, privateKey: host.privateKey }));
    const response = await directivesGET(new Request(DIRECTIVES, { headers }));
    const key = await getPlatformKey();
    const check = await verifyDirectives({
      status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()),
      request: { method: "GET", url: DIRECTIVES, headers }, now: new Date(), pin: { keyId: key.keyId, publicKey: platform.publicKeyBase64 },
    });
    if (!check.ok) throw new Error(`${check.check}: ${check.reason}`);
    return check.directives;
  };
  /** What `agent run --directives-out FILE` leaves behind. */
  const directivesFile = (directives: AgentDirectives | null, now = new Date()) => {
    const file = path.join(dir, `directives-${randomBytes(4).toString("hex")}.json`);
    writeDirectivesFile(file, directivesState({ lastVerified: directives, refusal: null, now, platformKeyId: "platform-test" }));
    return file;
  };

  it("engage → job denied with the switch as rule, directives list it, agent refuses; release → allowed again", async () => {
    const read = { topic: "job.bridge.read.ticket" };
    expect((await submit(jobBody(host, read))).status).toBe("ALLOWED");
    expect((await fetchDirectives()).killSwitches).toEqual([]);

    const sw = await engage({ scope: "profile", profile: profile.slug, reason: "runaway loop on triage" });
    const denied = await submit(jobBody(host, read));
    expect(denied).toMatchObject({ status: "DENIED", decision: { decision: "DENY", ruleIds: [`kill-switch:${sw.id}`] } });
    expect(denied.decision.reason).toContain("runaway loop on triage");
    const record = await database.prisma.policyDecision.findFirstOrThrow({ where: { jobId: denied.id } });
    expect(record.ruleIds).toEqual([`kill-switch:${sw.id}`]);
    // The other bound profile is untouched.
    expect((await submit(jobBody(host, { ...read, profile: host.profiles[1] }))).status).toBe("ALLOWED");

    const directives = await fetchDirectives();
    expect(directives.killSwitches).toEqual([
      expect.objectContaining({ id: sw.id, scope: "profile", target: profile.slug, reason: "runaway loop on triage", engagedAt: sw.engagedAt }),
    ]);
    const file = directivesFile(directives);
    const job = agentJobBody({ ...read, tenant: tenant.slug, profile: profile.slug, payload: {} });
    expect(checkDirectives(file, job, new Date())).toMatch(new RegExp(`kill switch ${sw.id} \\(profile ${profile.slug}\\) is engaged: runaway loop`));
    expect(checkDirectives(file, { ...job, profile: host.profiles[1]! }, new Date())).toBeNull();
    // Refused before anything is sent: the console URL does not even exist.
    const creds = { url: "http://127.0.0.1:1", keyId: "k", privateKey: generateKeyPairSync("ed25519").privateKey };
    await expect(agentSubmit(creds, job, { waitSec: 0, directives: file })).rejects.toThrow(JobError);
    await expect(agentSubmit(creds, job, { waitSec: 0, directives: file })).rejects.toThrow(/not submitting the job: kill switch/);

    await release(sw.id);
    expect((await submit(jobBody(host, read))).status).toBe("ALLOWED");
    const cleared = await fetchDirectives();
    expect(cleared.killSwitches).toEqual([]);
    expect(checkDirectives(directivesFile(cleared), job, new Date())).toBeNull();
  });

  it("a capability switch denies only matching jobs in its tenant, and directives carry what it matches", async () => {
    const sw = await engage({ scope: "capability", tenant: tenant.slug, capability: "write-tools", reason: "writes frozen for the audit" });
    const write = await submit(jobBody(host, { topic: "job.bridge.write.update_ticket" }));
    expect(write).toMatchObject({ status: "DENIED", decision: { ruleIds: [`kill-switch:${sw.id}`] } });
    expect((await submit(jobBody(host, { topic: "job.bridge.read.ticket" }))).status).toBe("ALLOWED");

    const profiles = await database.prisma.hostProfile.findMany({ where: { hostId: host.hostId }, select: { profileId: true } });
    const directives = await loadDirectives(database.prisma, { id: host.hostId, profileIds: profiles.map((p) => p.profileId) }, new Date(), 30);
    expect(directives.killSwitches).toEqual([
      { id: sw.id, scope: "tenant", target: tenant.slug, capability: "write-tools", match: { topics: ["job.*.write.**"], riskTags: ["write"] }, reason: "writes frozen for the audit", engagedAt: sw.engagedAt },
    ]);
    // Signed and verified like any directives: the agent does not fall to stop-risky over a capability switch.
    expect((await fetchDirectives()).killSwitches).toEqual([expect.objectContaining({ id: sw.id, scope: "tenant", target: tenant.slug })]);
    // The agent's check on the full list (the file as the console sends it).
    const file = directivesFile(directives);
    const base = { tenant: tenant.slug, profile: profile.slug, payload: {} };
    expect(checkDirectives(file, agentJobBody({ ...base, topic: "job.bridge.write.update_ticket" }), new Date())).toMatch(/writes frozen/);
    expect(checkDirectives(file, agentJobBody({ ...base, topic: "job.bridge.read.ticket" }), new Date())).toBeNull();
    await release(sw.id);
  });

  it("the agent refuses on expired, stop-risky or missing directives", async () => {
    const directives = await fetchDirectives();
    const job = agentJobBody({ topic: "job.bridge.read.ticket", tenant: tenant.slug, profile: profile.slug, payload: {} });
    const file = directivesFile(directives);
    expect(checkDirectives(file, job, new Date())).toBeNull();
    expect(checkDirectives(file, job, new Date(Date.parse(directives.expiresAt) + 1))).toMatch(/directives expired at/);
    expect(checkDirectives(directivesFile(null), job, new Date())).toMatch(/stop risky actions: no verified directives yet/);
    expect(checkDirectives(path.join(dir, "missing.json"), job, new Date())).toMatch(/cannot read the directives file .*ENOENT/);
    // A capability switch read without its match list (an agent that predates them) stops its whole reach: more, never less.
    const bare = { ...directives, killSwitches: [{ id: "ks_bare", scope: "tenant" as const, target: tenant.slug, reason: "capability freeze", engagedAt: directives.issuedAt }] };
    expect(checkDirectives(directivesFile(bare), job, new Date())).toMatch(/kill switch ks_bare \(tenant .*\) is engaged: capability freeze/);
    expect(checkDirectives(directivesFile(bare), { ...job, tenant: "another-tenant" }, new Date())).toBeNull();
  });

  it("a pending job under a switch cannot be approved, but can be denied; after release it can be approved", async () => {
    const approver = await createActor(database.prisma, tenant.id, "approver");
    const [first, second] = [await createJob(database.prisma, { tenant, profile }), await createJob(database.prisma, { tenant, profile })];
    const sw = await engage({ scope: "tenant", tenant: tenant.slug, reason: "tenant under investigation" });
    const vote = (jobId: string, hash: string, v: "approve" | "deny") =>
      voteOnJobAction.execute({ actor: approver, prisma: database.prisma }, { jobId, vote: v, note: "looked at it", seenHash: hash });
    const refused = await vote(first.id, first.jobHash, "approve");
    expect(refused).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(new RegExp(`kill switch ${sw.id}.*tenant under investigation.*cannot be approved`)) } });
    expect(await database.prisma.jobVote.count({ where: { jobId: first.id } })).toBe(0);
    expect(await vote(second.id, second.jobHash, "deny")).toMatchObject({ ok: true, data: { status: "REJECTED" } });
    await release(sw.id);
    expect(await vote(first.id, first.jobHash, "approve")).toMatchObject({ ok: true, data: { status: "APPROVED" } });
  });

  it("fails safe: when the switches cannot be read, jobs are denied", async () => {
    await database.sql.exec(`ALTER TABLE "KillSwitch" RENAME TO "KillSwitchAway"`);
    try {
      const denied = await submit(jobBody(host, { topic: "job.bridge.read.ticket" }));
      expect(denied).toMatchObject({ status: "DENIED", decision: { ruleIds: ["kill-switch:unavailable"] } });
      expect(denied.decision.reason).toMatch(/kill switches could not be read/);
    } finally {
      await database.sql.exec(`ALTER TABLE "KillSwitchAway" RENAME TO "KillSwitch"`);
    }
    expect((await submit(jobBody(host, { topic: "job.bridge.read.ticket" }))).status).toBe("ALLOWED");
  });

  // The fence (lib/server/killswitches/fence.ts): an engage still in flight when a job is checked must not let
  // the job commit ALLOWED after the engage commits. Needs two connections, so PostgreSQL only.
  it.runIf(backend === "postgresql")("a job decided while a switch is being engaged waits for it and is denied", async () => {
    const pool = new Pool({ connectionString: database.url, max: 2 });
    const engaging = await pool.connect();
    try {
      const id = `ks_fence_${randomBytes(4).toString("hex")}`;
      // What engageKillSwitchAction does, held open: the fence lock, then the switch row.
      await engaging.query("BEGIN");
      await engaging.query("SELECT pg_advisory_xact_lock($1)::text", [KILL_SWITCH_FENCE]);
      await engaging.query(
        `INSERT INTO "KillSwitch" (id, scope, "tenantId", "profileId", reason, "engagedBy", "engagedAt", "engageReceiptId")
         VALUES ($1, 'profile', $2::uuid, $3::uuid, 'engaged mid-decision', 'test', now(), 'rcpt_fence')`,
        [id, tenant.id, profile.id],
      );
      const pending = submit(jobBody(host, { topic: "job.bridge.read.ticket" }));
      // The job's insert transaction waits on the fence…
      await expect.poll(async () => Number((await pool.query(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`)).rows[0].n), { timeout: 15_000 }).toBe(1);
      await engaging.query("COMMIT");
      // …and, deciding again once the switch is committed, is denied by it.
      expect(await pending).toMatchObject({ status: "DENIED", decision: { ruleIds: [`kill-switch:${id}`] } });
      await release(id);
    } finally {
      await engaging.query("ROLLBACK").catch(() => undefined);
      engaging.release();
      await pool.end();
    }
  });
});

