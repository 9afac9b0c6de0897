import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashAuditEntry, type ChainEntry } from "../audit/chain";
import { apiActivityOf, asciiJson, entryFromOcsf, ocsfClassOf, toOcsf } from "./ocsf";

function entries(specs: Array<Partial<ChainEntry> & { action: string }>): ChainEntry[] {
  const out: ChainEntry[] = [];
  let prevHash = GENESIS_HASH;
  specs.forEach((spec, i) => {
    const fields = {
      seq: i + 1,
      time: new Date(Date.UTC(2026, 11, 7, 23, 0, i)).toISOString(),
      actorType: "user",
      actorId: "u-1",
      resource: "tenant:t-1",
      tenantId: null,
      profileId: null,
      decision: null,
      requestHash: null,
      resultHash: null,
      traceId: null,
      data: {},
      prevHash,
      ...spec,
    };
    const hash = hashAuditEntry(fields);
    out.push({ ...fields, hash });
    prevHash = hash;
  });
  return out;
}

describe("OCSF mapping", () => {
  const chain = entries([
    { action: "auth.sign_in.succeeded", resource: "user:u-1", decision: "ALLOW", data: { provider: "credentials" } },
    { action: "auth.sign_in.failed", resource: "user:u-2", actorId: "u-2", decision: "DENY" },
    { action: "auth.sign_out", resource: "user:u-1" },
    { action: "job.submit", actorType: "host", actorId: "h-1", resource: "job:j-1", decision: "DENY", traceId: "trace-1", tenantId: "8d0a4d1c-0000-4000-8000-000000000001", data: { receipt: "rcpt_abc", job: "j-1" } },
    { action: "job.integrity_alarm", actorType: "system", actorId: "integrity-check", resource: "job:j-1", decision: "ALARM" },
    { action: "access.denied", resource: "tenant:t-2", decision: "FORBIDDEN" },
    { action: "killswitch.engage", resource: "tenant:t-1", data: { receipt: "rcpt_ks", note: "naïve — ünïcode" } },
    { action: "host.key.revoke", resource: "host:h-1" },
    { action: "audit.verify", resource: "platform:audit" },
  ]);
  const events = chain.map((e) => toOcsf(e, "9.9.9"));

  it("puts sign-in and sign-out in Authentication (3002) with logon/logoff and the outcome", () => {
    expect(events.slice(0, 3).map((e) => [e.class_uid, e.activity_id, e.type_uid, e.status_id, e.category_uid])).toEqual([
      [3002, 1, 300201, 1, 3],
      [3002, 1, 300201, 2, 3],
      [3002, 2, 300202, 1, 3],
    ]);
    expect(events[1]!.user).toEqual({ uid: "u-2" });
    expect(events[1]!.severity_id).toBe(2);
  });

  it("puts integrity alarms and refused access in Detection Finding (2004), the alarm at high severity", () => {
    expect([events[4]!.class_uid, events[4]!.type_uid, events[4]!.severity_id, events[4]!.severity]).toEqual([2004, 200401, 4, "High"]);
    expect(events[4]!.finding_info).toMatchObject({ uid: chain[4]!.hash, types: ["job.integrity_alarm"] });
    expect([events[5]!.class_uid, events[5]!.severity_id]).toEqual([2004, 3]);
    expect(ocsfClassOf("access.denied.suppressed")).toBe("detection_finding");
    expect(ocsfClassOf("budget.alert")).toBe("detection_finding");
  });

  it("puts everything else in API Activity (6003), the verb as the activity and a policy decision as the disposition", () => {
    const job = events[3]!;
    expect([job.class_uid, job.activity_id, job.type_uid, job.status_id, job.status]).toEqual([6003, 1, 600301, 2, "Failure"]);
    expect(job.api).toEqual({ operation: "job.submit", service: { name: "cellgate" } });
    expect([job.disposition_id, job.disposition, job.metadata.profiles]).toEqual([2, "Blocked", ["security_control"]]);
    expect(job.actor.user).toEqual({ uid: "h-1", type_id: 3, type: "System" });
    expect(job.metadata).toMatchObject({ correlation_uid: "trace-1", tenant_uid: "8d0a4d1c-0000-4000-8000-000000000001", sequence: 4, uid: chain[3]!.hash, event_code: "job.submit" });
    expect([events[6]!.activity_id, events[7]!.activity_id, events[8]!.activity_id]).toEqual([1, 4, 2]);
    expect(apiActivityOf("killswitch.release")).toEqual({ id: 3, name: "Update" });
    expect(apiActivityOf("something.new")).toEqual({ id: 99, name: "Other" });
    expect(events[6]!.resources).toEqual([{ uid: "t-1", type: "tenant" }]);
  });

  it("keeps seq, hash, prevHash and the receipt id in unmapped, and every hashed field, so each entry re-hashes and the chain re-links", () => {
    expect(events[3]!.unmapped).toMatchObject({ seq: 4, hash: chain[3]!.hash, prevHash: chain[2]!.hash, receipt: "rcpt_abc" });
    expect(events[0]!.unmapped.receipt).toBeNull();
    let prev = GENESIS_HASH;
    for (const event of events) {
      // What a receiver does with the JSON it got.
      const received = JSON.parse(JSON.stringify(event)) as typeof event;
      const entry = entryFromOcsf(received);
      expect(entry.prevHash).toBe(prev);
      expect(hashAuditEntry(entry)).toBe(received.unmapped.hash);
      prev = received.unmapped.hash;
    }
    expect(events[0]!.time).toBe(Date.parse(chain[0]!.time as string));
  });

  it("a changed field no longer re-hashes", () => {
    const received = JSON.parse(JSON.stringify(events[3])) as (typeof events)[number];
    received.unmapped.decision = "ALLOW";
    expect(hashAuditEntry(entryFromOcsf(received))).not.toBe(received.unmapped.hash);
  });

  it("asciiJson escapes non-ASCII to the same value", () => {
    const text = asciiJson(events[6]);
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(events[6])));
  });
});
