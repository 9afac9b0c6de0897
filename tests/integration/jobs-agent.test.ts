/**
 * lib/agent/job.ts against a scripted console over real HTTP: the agent
 * refuses a job whose answered hash differs from its own, follows a pending
 * job to its final status, and stops polling when the wait runs out.
 */
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobBody, JobError, submitJob, type JobAnswer } from "@/lib/agent/job";
import { canonicalJob } from "@/lib/domain/jobs";

const body = jobBody({ topic: "job.bridge.write.update_ticket", tenant: "acme", profile: "acme-ticket-triage", payload: { ticket: "T-1" } });
const { jobHash } = canonicalJob(body);

describe("agent job client", () => {
  let server: http.Server;
  let url = "";
  let answers: Array<Partial<JobAnswer>> = [];
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} signed=${Boolean(req.headers["signature-input"])}`);
      req.resume();
      req.on("end", () => {
        const next = answers.shift() ?? {};
        const job = { id: "job_scripted0000000", status: "PENDING_APPROVAL", jobHash, decision: { decision: "REQUIRE_APPROVAL", ruleIds: ["platform:w"], reason: "writes need a human", constraints: null }, approvals: { needed: 1, approved: 0 }, expiresAt: null, ...next };
        res.writeHead(req.method === "POST" ? 201 : 200, { "Content-Type": "application/json" }).end(JSON.stringify(job));
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const creds = () => ({ url, keyId: "k1", privateKey: generateKeyPairSync("ed25519").privateKey });
  const noSleep = { sleep: async () => undefined };

  it("refuses to go on when the console answers a different job hash", async () => {
    answers = [{ jobHash: `sha256:${"0".repeat(64)}` }];
    await expect(submitJob(creds(), body, { waitSec: 0 })).rejects.toThrow(JobError);
    answers = [{ jobHash: `sha256:${"0".repeat(64)}` }];
    await expect(submitJob(creds(), body, { waitSec: 0 })).rejects.toThrow(/hashed a different job/);
  });

  it("polls a pending job until it is final, with signed GETs", async () => {
    seen.length = 0;
    answers = [{}, {}, { status: "APPROVED", approvals: { needed: 1, approved: 1 } }];
    const polled: string[] = [];
    const outcome = await submitJob(creds(), body, { waitSec: 60, ...noSleep, onPoll: (j) => polled.push(j.status) });
    expect(outcome).toMatchObject({ final: true, runnable: true, jobHash, job: { status: "APPROVED" } });
    expect(polled).toEqual(["PENDING_APPROVAL", "APPROVED"]);
    expect(seen).toEqual(["POST /api/v1/jobs signed=true", "GET /api/v1/jobs/job_scripted0000000 signed=true", "GET /api/v1/jobs/job_scripted0000000 signed=true"]);
  });

  it("stops when the wait runs out (not final, not runnable) and treats a changed hash while polling as refusal", async () => {
    let clock = 0;
    answers = Array.from({ length: 20 }, () => ({}));
    const outcome = await submitJob(creds(), body, { waitSec: 5, pollMs: 1000, now: () => clock, sleep: async (ms) => void (clock += ms) });
    expect(outcome).toMatchObject({ final: false, runnable: false, job: { status: "PENDING_APPROVAL" } });
    answers = [{}, { jobHash: `sha256:${"1".repeat(64)}` }];
    await expect(submitJob(creds(), body, { waitSec: 60, ...noSleep })).rejects.toThrow(/now has hash/);
  });

  it("validates the job locally before sending anything", () => {
    expect(() => jobBody({ topic: "Bad Topic", tenant: "acme", profile: "p", payload: 1 })).toThrow(/topic/);
  });
});
