import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashAuditEntry, type ChainEntry } from "../audit/chain";
import { canonicalJob, type JobBody } from ".";
import { checkJobIntegrity, submitRequestHash, type StoredJobFacts } from "./integrity";

const body: JobBody = {
  topic: "job.payments.write.transfer",
  tenant: "acme",
  profile: "acme-payments",
  riskTags: ["money"],
  labels: { requester: "operator@acme.demo" },
  payload: { amount: 100, currency: "EUR", to: "DE00 1234" },
};

function stored(): { job: StoredJobFacts; entry: ChainEntry } {
  const { canonical, jobHash } = canonicalJob(body);
  const job = { id: "job_x", canonical, jobHash, keyId: "key-1", topic: body.topic, riskTags: body.riskTags, labels: body.labels, payload: body.payload };
  const fields = {
    seq: 7, time: "2026-12-03T05:00:00.000Z", actorType: "host", actorId: "host-1", action: "job.submit", resource: "job:job_x",
    tenantId: null, profileId: null, decision: "REQUIRE_APPROVAL", requestHash: submitRequestHash(jobHash, "key-1"), resultHash: "ab".repeat(32),
    traceId: null, data: { receipt: "rcpt_x" }, prevHash: GENESIS_HASH,
  };
  return { job, entry: { ...fields, hash: hashAuditEntry(fields) } };
}

describe("checkJobIntegrity", () => {
  it("finds nothing wrong with a job as submitted", () => {
    const { job, entry } = stored();
    expect(checkJobIntegrity(job, { decisionInputHash: job.jobHash, submitEntry: entry })).toEqual([]);
  });

  it("catches one changed byte in the canonical text (an amount 100 → 900)", () => {
    const { job, entry } = stored();
    const altered = { ...job, canonical: job.canonical.replace('"amount":100', '"amount":900') };
    expect(altered.canonical).not.toBe(job.canonical);
    const problems = checkJobIntegrity(altered, { decisionInputHash: job.jobHash, submitEntry: entry });
    expect(problems.map((p) => p.check)).toEqual(["canonical-hash", "columns"]);
    expect(problems[0]!.message).toContain(job.jobHash);
    expect(problems[1]!.message).toBe("the stored payload differs from the hashed request");
  });

  it("catches a canonical text and job hash rewritten together through the decision record and the submit receipt", () => {
    const { job, entry } = stored();
    const forged = canonicalJob({ ...body, payload: { ...(body.payload as object), amount: 900 } });
    const rewritten = { ...job, ...forged, payload: { ...(body.payload as object), amount: 900 } };
    const problems = checkJobIntegrity(rewritten, { decisionInputHash: job.jobHash, submitEntry: entry });
    expect(problems.map((p) => p.check)).toEqual(["decision", "submit-receipt"]);
    // … and with the decision record rewritten too, the receipt the host was answered still says otherwise
    expect(checkJobIntegrity(rewritten, { decisionInputHash: forged.jobHash, submitEntry: entry }).map((p) => p.check)).toEqual(["submit-receipt"]);
  });

  it("catches a payload column changed under an intact canonical text (what a page might render)", () => {
    const { job, entry } = stored();
    const problems = checkJobIntegrity({ ...job, payload: { ...(body.payload as object), amount: 900 } }, { decisionInputHash: job.jobHash, submitEntry: entry });
    expect(problems).toEqual([{ check: "columns", message: "the stored payload differs from the hashed request" }]);
  });

  it("catches a non-canonical text that still hashes to its own (rewritten) job hash", () => {
    const { job, entry } = stored();
    const spaced = job.canonical.replace(",", ", ");
    const problems = checkJobIntegrity({ ...job, canonical: spaced }, { decisionInputHash: job.jobHash, submitEntry: entry });
    expect(problems.map((p) => p.check)).toEqual(["canonical-hash", "canonical-form"]);
  });

  it("catches an altered submit entry and missing witnesses", () => {
    const { job, entry } = stored();
    const problems = checkJobIntegrity(job, { decisionInputHash: job.jobHash, submitEntry: { ...entry, decision: "ALLOW" } });
    expect(problems).toEqual([{ check: "submit-receipt", message: "audit entry #7 (the submit receipt) was altered: its hash no longer recomputes" }]);
    expect(checkJobIntegrity({ ...job, id: "job_y" }, { decisionInputHash: job.jobHash, submitEntry: entry })[0]!.message).toBe(
      "the job's receipt points at audit entry #7, which is not this job's submission",
    );
    expect(checkJobIntegrity(job, { decisionInputHash: null, submitEntry: null }).map((p) => p.message)).toEqual([
      "the job's policy decision record is missing",
      "the job's submit receipt (audit entry) is missing",
    ]);
  });

  it("reports invalid JSON as such", () => {
    const { job, entry } = stored();
    const problems = checkJobIntegrity({ ...job, canonical: "{not json" }, { decisionInputHash: job.jobHash, submitEntry: entry });
    expect(problems.map((p) => p.message)).toContain("the stored request is not valid JSON");
  });
});
