import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashAuditEntry, type AuditFields } from "../audit/chain";
import { canonicalize } from "../canonical-json";
import { canonicalEntryLine, canonicalProofLine, recomputeEntry } from "./entry-line";

const base: AuditFields = {
  seq: 7,
  time: new Date("2026-11-22T21:40:00.123Z"),
  actorType: "user",
  actorId: 'u"1,"prevHash":x',
  action: "job.approve",
  resource: "job:1",
  tenantId: null,
  profileId: "p",
  decision: null,
  requestHash: null,
  resultHash: "r",
  traceId: "t\n",
  data: { a: 1, prevHash: "inside data", z: [',"prevHash":'] },
  prevHash: GENESIS_HASH,
};

describe("entries.jsonl lines", () => {
  it("equal the general RFC 8785 canonicalization of the entry with its hash, even with tricky data", () => {
    const hash = hashAuditEntry(base);
    const general = canonicalize({ ...base, time: base.time.toISOString(), hash });
    expect(canonicalEntryLine(base, hash)).toBe(general);
    expect(recomputeEntry(base, hash)).toEqual({ hash, line: general });
    expect(canonicalEntryLine({ ...base, data: null }, hash)).toBe(canonicalize({ ...base, data: null, time: base.time.toISOString(), hash }));
  });

  it("proof lines are canonical JSON", () => {
    const path = ["ab".repeat(32), "cd".repeat(32)];
    expect(canonicalProofLine(3, path)).toBe(canonicalize({ seq: 3, path }));
    expect(canonicalProofLine(1, [])).toBe(canonicalize({ seq: 1, path: [] }));
  });
});
