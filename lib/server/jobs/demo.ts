import "server-only";
/**
 * Demo jobs for a freshly seeded database, submitted through the real submit
 * path (lib/server/jobs/submit.ts) as the demo hosts, so each has its policy
 * decision, receipt and audit entry like any other job. Call it after the
 * demo fleet, users and policies are committed. The statuses follow from the
 * demo policies (lib/domain/policy/demo-policies.ts): pending approvals for
 * the approvers' queue, one already expired, allowed and denied ones for the
 * history. No webhook is announced for them. Does nothing when the demo hosts
 * already have jobs.
 */
import type { Database } from "@/lib/db";
import type { JobBody } from "@/lib/domain/jobs";
import { BOUND_PROFILES_SQL, type BoundProfile } from "../host-auth";
import { submitJob } from "./submit";
import type { JobView } from "./view";

interface DemoJob {
  host: string;
  tenant: string;
  profile: string;
  topic: string;
  riskTags?: string[];
  labels?: Record<string, string>;
  payload: JobBody["payload"];
  /** Submitted this many minutes ago. */
  minutesAgo: number;
}

const DEMO_JOBS: DemoJob[] = [
  {
    host: "acme-sandbox-01", tenant: "acme", profile: "acme-ticket-triage", topic: "job.mcp-bridge.write.update_ticket",
    labels: { requester: "operator@acme.demo", ticket: "ACME-1042" },
    payload: { ticket: "ACME-1042", set: { status: "resolved", resolution: "Password reset link re-sent; customer confirmed access." } },
    minutesAgo: 12,
  },
  {
    host: "acme-sandbox-01", tenant: "acme", profile: "acme-ticket-triage", topic: "job.mcp-bridge.write.update_ticket",
    riskTags: ["customer-visible"], labels: { requester: "viewer@acme.demo", environment: "production", ticket: "ACME-977" },
    payload: { ticket: "ACME-977", set: { priority: "P1", assignee: "oncall-support" }, comment: "Escalating: checkout errors reported by 14 customers." },
    minutesAgo: 4,
  },
  {
    host: "acme-sandbox-01", tenant: "acme", profile: "acme-ticket-triage", topic: "job.mcp-bridge.write.update_ticket",
    labels: { requester: "operator@acme.demo", ticket: "ACME-880" },
    payload: { ticket: "ACME-880", set: { status: "closed" } },
    minutesAgo: 180,
  },
  {
    host: "acme-sandbox-01", tenant: "acme", profile: "acme-ticket-triage", topic: "job.mcp-bridge.read.search_kb",
    payload: { query: "reset two-factor device", limit: 5 },
    minutesAgo: 30,
  },
  {
    host: "acme-sandbox-01", tenant: "acme", profile: "acme-ticket-triage", topic: "job.mcp-bridge.write.close_ticket",
    labels: { bulk: "true", requester: "operator@acme.demo" },
    payload: { tickets: ["ACME-1001", "ACME-1002", "ACME-1003"], reason: "stale" },
    minutesAgo: 45,
  },
  {
    host: "globex-build-01", tenant: "globex", profile: "globex-build-runner", topic: "job.ci-bridge.write.publish_artifact",
    riskTags: ["supply-chain"], labels: { requester: "operator@globex.demo", branch: "release/4.2" },
    payload: { artifact: "globex-web", version: "4.2.0", digest: `sha256:${"4e".repeat(32)}`, registry: "registry.globex.internal" },
    minutesAgo: 7,
  },
  {
    host: "initech-batch-01", tenant: "initech", profile: "initech-report-writer", topic: "job.reports.write.send_report",
    labels: { requester: "operator@initech.demo" },
    payload: { report: "TPS weekly", recipients: ["bill.lumbergh@initech.example"], format: "pdf" },
    minutesAgo: 20,
  },
];

export interface SeededJob {
  id: string;
  status: JobView["status"];
  profile: string;
  topic: string;
}

export async function seedDemoJobs(database: Database, options: { now?: Date } = {}): Promise<SeededJob[]> {
  const now = options.now ?? new Date();
  const hostIds = [...new Set(DEMO_JOBS.map((j) => j.host))];
  const existing = await database.sql.query<{ n: number }>(`SELECT count(*)::int AS "n" FROM "Job" WHERE "hostId" = ANY($1::text[])`, [`{${hostIds.join(",")}}`]);
  if (Number(existing[0]?.n ?? 0) > 0) return [];
  const hosts = await database.sql.query<{ hostId: string; keyId: string; profiles: BoundProfile[] | string }>(
    `SELECT h."id" AS "hostId",
       (SELECT k."id" FROM "HostKey" k WHERE k."hostId" = h."id" AND k."status" = 'active' ORDER BY k."createdAt" DESC LIMIT 1) AS "keyId",
       ${BOUND_PROFILES_SQL(`h."id"`)} AS "profiles"
     FROM "Host" h WHERE h."id" = ANY($1::text[])`,
    [`{${hostIds.join(",")}}`],
  );
  const byId = new Map(hosts.map((h) => [h.hostId, { ...h, profiles: typeof h.profiles === "string" ? JSON.parse(h.profiles) : h.profiles }]));
  const seeded: SeededJob[] = [];
  for (const demo of [...DEMO_JOBS].sort((a, b) => b.minutesAgo - a.minutesAgo)) {
    const host = byId.get(demo.host);
    if (!host?.keyId) continue; // a trimmed demo fleet: skip what is not there
    const outcome = await submitJob(database, {
      host: { id: host.hostId, profiles: host.profiles },
      keyId: host.keyId,
      body: { topic: demo.topic, tenant: demo.tenant, profile: demo.profile, riskTags: demo.riskTags ?? [], labels: demo.labels ?? {}, payload: demo.payload },
      now: new Date(now.getTime() - demo.minutesAgo * 60_000),
      notify: false,
    });
    if (!outcome.ok) throw new Error(`demo job ${demo.topic} on ${demo.profile} was refused: ${outcome.problem.detail}`);
    seeded.push({ id: outcome.job.id, status: outcome.job.status, profile: demo.profile, topic: demo.topic });
  }
  return seeded;
}
