import { describe, expect, it } from "vitest";
import { canonicalize } from "../canonical-json";
import { canonicalHash } from "../hash";
import {
  canonicalAuditEntry,
  describeFault,
  GENESIS,
  GENESIS_HASH,
  hashAuditEntry,
  verifyChainSegment,
  type AuditFields,
  type AuditRecord,
} from "./chain";

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const fields = {
      seq,
      time: new Date(Date.UTC(2026, 10, 22, 12, 0, seq)),
      actorType: "user",
      actorId: `user-${seq % 3}`,
      action: "registry.sync",
      resource: `tenant:${seq}`,
      tenantId: null,
      profileId: null,
      decision: seq % 2 ? "ALLOW" : null,
      requestHash: null,
      resultHash: null,
      traceId: null,
      data: { seq, nested: { b: 2, a: [1, "x"] } },
      prevHash,
    };
    const hash = hashAuditEntry(fields);
    out.push({ ...fields, hash });
    prevHash = hash;
  }
  return out;
}

describe("hashAuditEntry", () => {
  it("is the SHA-256 of the canonical JSON of the documented fields", () => {
    const [entry] = chain(1);
    const { hash, ...fields } = entry!;
    expect(hash).toBe(canonicalHash({ ...fields, time: fields.time.toISOString() }));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("hashes a time given as its ISO text exactly as the Date, and any other text differently", () => {
    const [entry] = chain(1);
    expect(hashAuditEntry({ ...entry!, time: entry!.time.toISOString() })).toBe(entry!.hash);
    expect(hashAuditEntry({ ...entry!, time: entry!.time.toISOString().replace(".000Z", "Z") })).not.toBe(entry!.hash);
  });

  it("does not depend on the key order of data, but on every value", () => {
    const [entry] = chain(1);
    const reordered = { ...entry!, data: { nested: { a: [1, "x"], b: 2 }, seq: 1 } };
    expect(hashAuditEntry(reordered)).toBe(entry!.hash);
    expect(hashAuditEntry({ ...entry!, data: { seq: 1, nested: { b: 3, a: [1, "x"] } } })).not.toBe(entry!.hash);
    expect(hashAuditEntry({ ...entry!, time: new Date(entry!.time.getTime() + 1) })).not.toBe(entry!.hash);
  });
});

describe("canonicalAuditEntry", () => {
  const awkward = ['plain', 'quote " inside', "back\\slash", "tab\there", "new\nline", "ünïcødé", "emoji 🔑", "\u2028", "", "ctrl \u0001", "~{}[]"];

  it("writes exactly the RFC 8785 text of the entry object, for awkward strings and nulls too", () => {
    let n = 0;
    for (const text of awkward) {
      for (const nullish of [true, false]) {
        n += 1;
        const fields: AuditFields = {
          seq: n * 1013,
          time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n)),
          actorType: text,
          actorId: `${text}-${n}`,
          action: text,
          resource: `r:${text}`,
          tenantId: nullish ? null : text,
          profileId: nullish ? text : null,
          decision: nullish ? null : "DENY",
          requestHash: nullish ? null : text,
          resultHash: nullish ? text : null,
          traceId: nullish ? null : text,
          data: nullish ? null : { [text]: [text, 1.5, -0, null, { z: 1, a: text }] },
          prevHash: text,
        };
        const generic = canonicalize({ ...fields, time: fields.time.toISOString() });
        expect(canonicalAuditEntry(fields)).toBe(generic);
        expect(hashAuditEntry(fields)).toBe(canonicalHash({ ...fields, time: fields.time.toISOString() }));
      }
    }
  });
});

describe("verifyChainSegment", () => {
  it("accepts an intact chain, also verified in segments", () => {
    const entries = chain(10);
    expect(verifyChainSegment(entries, GENESIS)).toMatchObject({ fault: null, checked: 10, cursor: { seq: 10, hash: entries[9]!.hash } });
    const first = verifyChainSegment(entries.slice(0, 4), GENESIS);
    const rest = verifyChainSegment(entries.slice(4), first.cursor);
    expect(rest).toMatchObject({ fault: null, checked: 6, cursor: { seq: 10 } });
  });

  it("detects a changed field (hash fault at that entry)", () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, data: { seq: 3, nested: { b: 2, a: [1, "y"] } } };
    const result = verifyChainSegment(entries, GENESIS);
    expect(result.fault).toMatchObject({ kind: "hash", seq: 3 });
    expect(result.checked).toBe(2);
    expect(describeFault(result.fault!)).toMatch(/^entry 3 was altered/);
  });

  it("detects a rehashed entry through the next link (prev-hash fault)", () => {
    const entries = chain(5);
    const forged = { ...entries[1]!, actorId: "mallory" };
    entries[1] = { ...forged, hash: hashAuditEntry(forged) };
    expect(verifyChainSegment(entries, GENESIS).fault).toMatchObject({ kind: "prev-hash", seq: 3 });
  });

  it("detects a deleted entry (gap) and names the missing sequence number", () => {
    const entries = chain(5);
    entries.splice(3, 1);
    const fault = verifyChainSegment(entries, GENESIS).fault!;
    expect(fault).toEqual({ kind: "gap", seq: 5, expectedSeq: 4 });
    expect(describeFault(fault)).toBe("entry 4 is missing (next entry found is 5)");
  });

  it("detects an inserted entry and a reordering", () => {
    const entries = chain(4);
    const inserted = [...entries.slice(0, 2), { ...entries[1]! }, ...entries.slice(2)];
    expect(verifyChainSegment(inserted, GENESIS).fault).toMatchObject({ kind: "gap", seq: 2, expectedSeq: 3 });
    const swapped = [entries[0]!, entries[2]!, entries[1]!, entries[3]!];
    expect(verifyChainSegment(swapped, GENESIS).fault).toMatchObject({ kind: "gap", seq: 3, expectedSeq: 2 });
  });

  it("detects a chain that does not start at genesis or does not continue the cursor", () => {
    const entries = chain(3);
    expect(verifyChainSegment(entries.slice(1), { seq: 1, hash: "f".repeat(64) }).fault).toMatchObject({ kind: "prev-hash", seq: 2 });
    const rebased = { ...entries[0]!, prevHash: "1".repeat(64) };
    expect(verifyChainSegment([rebased], GENESIS).fault).toMatchObject({ kind: "prev-hash", seq: 1, expected: GENESIS_HASH });
  });
});
