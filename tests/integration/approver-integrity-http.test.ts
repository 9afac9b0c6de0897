/**
 * What the approver sees is what was hashed, tried from the outside against
 * the BUILT console on both databases, the way an attacker would:
 *
 *  1. a pending job whose stored canonical text was altered (one byte,
 *     100 → 900) shows an integrity alarm instead of its payload, every vote
 *     is refused, and the alarm is recorded once: an audit entry, a webhook
 *     message, a metrics counter;
 *  3. a vote posted cross-site (no Origin, Sec-Fetch-Site cross-site or
 *     same-site, or a foreign Origin) is a 403 naming why, never a 500,
 *     never a vote; the session cookie is SameSite=Lax;
 *  4. a refused vote (another tenant's approver probing an id, a viewer) is
 *     on record as an access.denied audit entry;
 *  5. hostile input in every page's path and query, and malformed server
 *     action bodies, answer 4xx, never 5xx, and write nothing.
 *
 * The database is prepared before the console serves it (PGlite is one
 * process at a time) and read again after it stops.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, randomSlug } from "../support/databases";
import { openConsoleStore, type ConsoleStore, type ServedConsole } from "../support/console-store";
import { actionResult, postAction, serverActionId, setPassword, signIn, type SignedIn } from "../support/console-http";
import { createProfile, createTenant } from "../support/factories";
import { createJob } from "../support/job-factory";
import { startReceiver, type Receiver } from "./webhooks-receiver";

const PASSWORD = "correct horse battery staple";
const METRICS_TOKEN = `metrics-${randomBytes(12).toString("hex")}`;
const VOTE_FILE = "app/(console)/approvals/[id]/actions.ts";

describe.each(BACKENDS)("the approver's promise against a hostile agent, insider and page, on %s", (backend) => {
  let store: ConsoleStore;
  let served: ServedConsole;
  let receiver: Receiver;
  let voteAction: string;
  let approver: SignedIn;
  let foreignApprover: SignedIn;
  let viewer: SignedIn;
  const emails = { approver: "", foreign: "", viewer: "" };
  let tampered: { id: string; jobHash: string };
  let clean: { id: string; jobHash: string };

  beforeAll(async () => {
    receiver = await startReceiver();
    store = await openConsoleStore(backend);
    await store.use(async (db) => {
      const prisma = db.prisma;
      const tenant = await createTenant(prisma, "acme");
      const other = await createTenant(prisma, "globex");
      const profile = await createProfile(prisma, tenant.id, { tier: "L2" });
      for (const [key, tenantId, role] of [["approver", tenant.id, "approver"], ["foreign", other.id, "approver"], ["viewer", tenant.id, "viewer"]] as const) {
        const email = `${randomSlug(key)}@example.test`;
        await prisma.user.create({ data: { email, name: email, memberships: { create: { tenantId, role } } } });
        await setPassword(prisma, email, PASSWORD);
        emails[key] = email;
      }
      const payload = { transfer: { amount: 100, currency: "EUR", to: "DE00 1234 5678" } };
      const job = await createJob(prisma, { tenant, profile, topic: "job.payments.write.transfer", payload });
      // The insider's edit: one byte of the stored canonical text, straight in the database.
      const altered = job.canonical.replace('"amount":100', '"amount":900');
      expect(altered).not.toBe(job.canonical);
      await prisma.job.update({ where: { id: job.id }, data: { canonical: altered } });
      tampered = { id: job.id, jobHash: job.jobHash };
      const ok = await createJob(prisma, { tenant, profile, topic: "job.tickets.write.update_ticket" });
      clean = { id: ok.id, jobHash: ok.jobHash };
    });
    served = await store.serve({ CELLGATE_WEBHOOK_URL: receiver.url, CELLGATE_METRICS_TOKEN: METRICS_TOKEN });
    voteAction = serverActionId(VOTE_FILE, "voteOnJobAction");
    [approver, foreignApprover, viewer] = await Promise.all([
      signIn(served.url, emails.approver, PASSWORD),
      signIn(served.url, emails.foreign, PASSWORD),
      signIn(served.url, emails.viewer, PASSWORD),
    ]);
  }, 300_000);
  afterAll(async () => {
    await store?.close();
    await receiver?.close();
  });

  const vote = (who: SignedIn, job: { id: string; jobHash: string }, headers?: Record<string, string | null>) =>
    postAction(served.url, `/approvals/${job.id}`, voteAction, JSON.stringify([{ jobId: job.id, vote: "approve", note: "looks right", seenHash: job.jobHash }]), {
      cookie: who.cookie,
      headers,
    });
  const metric = async (name: string) => {
    const text = await (await fetch(`${served.url}/api/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(" ")[1]) : null;
  };

  it("keeps the session cookie SameSite=Lax and HttpOnly", () => {
    expect(approver.sessionCookieLine).toMatch(/;\s*SameSite=Lax/i);
    expect(approver.sessionCookieLine).toMatch(/;\s*HttpOnly/i);
  });

  it("1. shows an integrity alarm instead of an altered payload, refuses every vote, and records the alarm once", { timeout: 60_000 }, async () => {
    expect(await metric("cellgate_integrity_alarms_total")).toBe(0);
    const page = await fetch(`${served.url}/approvals/${tampered.id}`, { headers: { cookie: approver.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Integrity alarm: this job is not what was hashed");
    expect(html).toContain("hashes to sha256:");
    expect(html).toContain("No vote can be taken");
    // The altered meaning is not shown: no canonical card, no "900".
    expect(html).not.toContain('data-testid="job-canonical"');
    expect(html).not.toMatch(/amount(&quot;|")?:\s*900/);

    for (let i = 0; i < 2; i += 1) {
      const response = await vote(approver, tampered);
      expect(response.status).toBe(200);
      const result = actionResult(await response.text());
      expect(result).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/failed its integrity check/) } });
    }
    expect(await metric("cellgate_integrity_alarms_total")).toBe(1);
    await receiver.waitFor(1, 30_000);
    const message = JSON.parse(receiver.received[0]!.body) as { type: string; data: { jobId: string; problems: { check: string }[] } };
    expect(message.type).toBe("job.integrity_alarm");
    expect(message.data.jobId).toBe(tampered.id);
    expect(message.data.problems.map((p) => p.check)).toEqual(["canonical-hash", "columns"]);
    // The intact job next to it is shown and votable as ever.
    const cleanPage = await (await fetch(`${served.url}/approvals/${clean.id}`, { headers: { cookie: approver.cookie } })).text();
    expect(cleanPage).toContain('data-testid="job-canonical"');
    expect(cleanPage).not.toContain("Integrity alarm");
  });

  it("3. refuses a cross-site vote with 403 naming why, and a foreign Origin too (never a 500)", async () => {
    for (const [headers, check] of [
      [{ Origin: null, "Sec-Fetch-Site": "cross-site" }, "cross-site"],
      [{ Origin: null, "Sec-Fetch-Site": null }, "no-origin"],
      [{ "Sec-Fetch-Site": "same-site" }, "same-site"],
      [{ Origin: "https://evil.example", "Sec-Fetch-Site": null }, "foreign-origin"],
      [{ Origin: "null", "Sec-Fetch-Site": null }, "no-origin"],
    ] as const) {
      const response = await vote(approver, clean, headers);
      expect(response.status, check).toBe(403);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await response.json()) as { check: string; detail: string };
      expect(problem.check).toBe(check);
      expect(problem.detail).toMatch(/only made from the console's own pages/);
    }
    // The packet export form post, the other state-changing browser endpoint, the same.
    const exported = await fetch(`${served.url}/audit/export/download`, {
      method: "POST",
      headers: { cookie: approver.cookie, "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site" },
      body: "scope=platform",
    });
    expect(exported.status).toBe(403);
  });

  it("4. records refused votes as access.denied entries: another tenant's probe and a viewer", async () => {
    const probe = actionResult(await (await vote(foreignApprover, clean)).text());
    expect(probe).toMatchObject({ ok: false, error: { code: "not_found" } });
    const byViewer = actionResult(await (await vote(viewer, clean)).text());
    expect(byViewer).toMatchObject({ ok: false, error: { code: "not_found" } });
  });

  it("5. answers hostile paths and queries on every page and route with 4xx, never 5xx", { timeout: 120_000 }, async () => {
    const values = ["%00", "a%00b", "%ED%A0%80", "%E0%A4%A", "%", "x".repeat(10_240), "..%2F..%2Fetc%2Fpasswd", "%E2%80%AEtxt.exe", "'%20OR%201%3D1%20--", "%5B%5D", "-1", "NaN", "%7B%7D"];
    const paths = (v: string) => [
      `/approvals/${v}`, `/profiles/${v}`, `/readiness/${v}`, `/audit/trace/${v}`, `/audit/${v}`, `/policies/${v}`,
      `/approvals?topic=${v}`, `/approvals?page=${v}&size=${v}`, `/approvals?view=${v}&tier=${v}`, `/audit?actor=${v}`, `/audit?from=${v}&seq=${v}`,
      `/profiles?q=${v}&ring=${v}`, `/readiness?tier=${v}`, `/receipts?page=${v}`, `/safety?range=${v}`, `/cost?range=${v}`, `/kill-switches?scope=${v}`,
      `/policies/simulate?topic=${v}&labels=${v}`, `/audit/export?scope=${v}`, `/tokens?x=${v}`, `/?q=${v}`,
      `/api/dashboards/safety?range=${v}`, `/api/dashboards/cost?tenant=${v}`, `/api/health?x=${v}`, `/api/v1/jobs/${v}`, `/api/metrics?x=${v}`,
      `/kill-switches/banner?x=${v}`, `/receipts/${v}`, `/receipts/${v}/evidence`,
    ];
    const failures: string[] = [];
    for (const value of values) {
      for (const path of paths(value)) {
        const response = await fetch(`${served.url}${path}`, { headers: { cookie: approver.cookie }, redirect: "manual" });
        await response.arrayBuffer();
        if (response.status >= 500) failures.push(`${response.status} ${path.slice(0, 80)}`);
        if (value.includes("%00") && response.status !== 400) failures.push(`${response.status} (want 400) ${path.slice(0, 80)}`);
      }
    }
    expect(failures).toEqual([]);
    const nul = await fetch(`${served.url}/approvals/%00`, { headers: { cookie: approver.cookie } });
    expect(nul.status).toBe(400);
    expect(await nul.text()).toContain("The address holds a NUL character.");
    const api = await fetch(`${served.url}/api/v1/jobs/%00`);
    expect(api.status).toBe(400);
    expect(api.headers.get("content-type")).toBe("application/problem+json");
  });

  it("5. answers malformed server-action bodies with 400 and wrong types with the form's own error", async () => {
    for (const [body, contentType] of [
      ["[", undefined],
      ["not json", undefined],
      ["garbage", "multipart/form-data; boundary=xx"],
      [JSON.stringify([{ jobId: clean.id, vote: "approve", note: "a\u0000b", seenHash: clean.jobHash }]), undefined],
      [JSON.stringify([{ jobId: clean.id, vote: "approve", note: "\ud800", seenHash: clean.jobHash }]), undefined],
    ] as const) {
      const response = await postAction(served.url, `/approvals/${clean.id}`, voteAction, body, { cookie: approver.cookie, contentType });
      expect(response.status, body.slice(0, 30)).toBe(400);
      expect(((await response.json()) as { detail: string }).detail).toMatch(/request body|form field/);
    }
    const wrongTypes = await postAction(served.url, `/approvals/${clean.id}`, voteAction, JSON.stringify([{ jobId: 5, vote: ["approve"], note: {}, seenHash: null }]), {
      cookie: approver.cookie,
    });
    expect(wrongTypes.status).toBe(200);
    expect(actionResult(await wrongTypes.text())).toMatchObject({ ok: false, error: { code: "invalid_input" } });
  });

  it("wrote nothing it should not have: no vote, the alarm once, one refusal entry per refused vote", async () => {
    await served.stop();
    await store.use(async (db) => {
      const prisma = db.prisma;
      expect(await prisma.jobVote.count()).toBe(0);
      expect((await prisma.job.findUniqueOrThrow({ where: { id: clean.id } })).status).toBe("PENDING_APPROVAL");
      const alarms = await prisma.integrityAlarm.findMany();
      expect(alarms.map((a) => a.jobId)).toEqual([tampered.id]);
      // The alarm row names its audit leaf; the entry it became carries that leaf id.
      expect(alarms[0]!.auditLeafId).toMatch(/^leaf_/);
      const alarmEntry = await prisma.auditEntry.findUniqueOrThrow({ where: { leafId: alarms[0]!.auditLeafId! } });
      expect(alarmEntry).toMatchObject({ action: "job.integrity_alarm", resource: `job:${tampered.id}`, actorType: "system", decision: "ALARM" });
      expect(alarms[0]!.noticedBy).toMatch(/^user:/);
      const refusals = await prisma.auditEntry.findMany({ where: { action: "access.denied" }, orderBy: { seq: "asc" } });
      expect(refusals.map((r) => [r.resource, r.decision, (r.data as { attempted: string }).attempted])).toEqual([
        [`job:${clean.id}`, "NOT_FOUND", "job.vote"],
        [`job:${clean.id}`, "NOT_FOUND", "job.vote"],
      ]);
      // Every audit entry written during the run is one of those: the hostile walk and the forged posts wrote nothing.
      const head = await prisma.auditHead.findUniqueOrThrow({ where: { id: 1 } });
      const written = await prisma.auditEntry.findMany({ where: { action: { notIn: ["job.submit", "auth.sign_in.succeeded"] } }, select: { action: true } });
      expect(new Set(written.map((w) => w.action))).toEqual(new Set(["job.integrity_alarm", "access.denied"]));
      expect(head.seq).toBeGreaterThan(0);
    });
  });
});
