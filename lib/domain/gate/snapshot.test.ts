import { describe, expect, it } from "vitest";
import { canonicalize } from "@/lib/domain/canonical-json";
import { sha256Hex } from "@/lib/domain/hash";
import type { EvidenceRow } from "@/lib/domain/evidence";
import { gateSnapshot, gateSnapshotHash, type GateSnapshotInput } from "./snapshot";

const now = new Date("2026-11-22T12:00:00Z");
const ago = (sec: number) => new Date(now.getTime() - sec * 1000);
const row = (item: string, passed: boolean, ageSec: number, detail: unknown = {}): EvidenceRow => ({ item, passed, observedAt: ago(ageSec), detail });

/** The input with mutable lists, so a test can edit one row. */
type Input = Omit<GateSnapshotInput, "evidence" | "controls"> & { evidence: EvidenceRow[]; controls: GateSnapshotInput["controls"][number][] };

const base = (): Input => ({
  profile: {
    slug: "acme-ticket-triage",
    tier: "L2",
    artifactDigest: `sha256:${"a".repeat(64)}`,
    rollback: { endpoint: "https://rollback.internal/x", manifestDigest: `sha256:${"c".repeat(64)}` },
  },
  from: "limited",
  to: "promoted",
  evidence: [
    row("intended_digest", true, 600, { digest: `sha256:${"a".repeat(64)}` }),
    row("secrets_not_logged", true, 1200, { scanned: "app.log", lines: 1200 }),
    row("rollback_proven", true, 1800, { durationSec: 196 }),
  ],
  controls: [
    { control: "teardown", evidencedAt: ago(86_400) },
    { control: "digest_pinning", evidencedAt: ago(86_400), source: "evidence/x.json" },
  ],
  policyHash: `sha256:${"f".repeat(64)}`,
});
const hashOf = (input: Input) => gateSnapshotHash(gateSnapshot(input));

describe("gateSnapshot", () => {
  it("keeps the newest row per known item in checklist order, with a hash of each detail", () => {
    const input = base();
    input.evidence = [...input.evidence, row("secrets_not_logged", false, 5000), row("x-custom", true, 1)].reverse();
    const snap = gateSnapshot(input);
    expect(snap.evidence.map((e) => [e.item, e.passed, e.observedAt])).toEqual([
      ["intended_digest", true, ago(600).toISOString()],
      ["secrets_not_logged", true, ago(1200).toISOString()],
      ["rollback_proven", true, ago(1800).toISOString()],
    ]);
    expect(snap.evidence[2]!.detailHash).toBe(`sha256:${sha256Hex(canonicalize({ durationSec: 196 }))}`);
    expect(snap.controls).toEqual([
      { control: "digest_pinning", evidencedAt: ago(86_400).toISOString() },
      { control: "teardown", evidencedAt: ago(86_400).toISOString() },
    ]);
  });

  it("hashes the RFC 8785 canonical JSON of the snapshot", () => {
    const snap = gateSnapshot(base());
    expect(gateSnapshotHash(snap)).toBe(`sha256:${sha256Hex(canonicalize(snap))}`);
    expect(Object.keys(snap).sort()).toEqual(["controls", "evidence", "from", "policyHash", "profile", "to"]);
  });
});

describe("gateSnapshotHash", () => {
  it("is the same for unchanged evidence, whatever the row order or detail key order", () => {
    const a = base();
    const b = base();
    b.evidence = [...b.evidence].reverse();
    b.controls = [...b.controls].reverse();
    const c = base();
    c.evidence[1] = row("secrets_not_logged", true, 1200, JSON.parse('{"lines":1200,"scanned":"app.log"}'));
    expect(hashOf(b)).toBe(hashOf(a));
    expect(hashOf(c)).toBe(hashOf(a));
    expect(hashOf(base())).toBe(hashOf(base()));
  });

  it("changes with any evidence change: result, time, detail, a new or a removed item", () => {
    const h = hashOf(base());
    const change = (edit: (i: Input) => void) => {
      const i = base();
      edit(i);
      return hashOf(i);
    };
    const seen = new Set([
      h,
      change((i) => (i.evidence[1] = { ...i.evidence[1]!, passed: false })),
      change((i) => (i.evidence[1] = { ...i.evidence[1]!, observedAt: ago(1199) })),
      change((i) => (i.evidence[2] = { ...i.evidence[2]!, detail: { durationSec: 197 } })),
      change((i) => i.evidence.push(row("egress_enforced", true, 10))),
      change((i) => i.evidence.pop()),
      change((i) => i.controls.pop()),
      change((i) => (i.controls[0] = { ...i.controls[0]!, evidencedAt: ago(10) })),
    ]);
    expect(seen.size).toBe(8);
  });

  it("changes with the profile, the transition and the rules", () => {
    const h = hashOf(base());
    const variants: Input[] = [
      { ...base(), to: "limited" },
      { ...base(), from: "read_only" },
      { ...base(), policyHash: null },
      { ...base(), profile: { ...base().profile, slug: "acme-other" } },
      { ...base(), profile: { ...base().profile, tier: "L3" } },
      { ...base(), profile: { ...base().profile, artifactDigest: `sha256:${"b".repeat(64)}` } },
      { ...base(), profile: { ...base().profile, rollback: { endpoint: "https://elsewhere/x", manifestDigest: base().profile.rollback.manifestDigest } } },
    ];
    for (const v of variants) expect(hashOf(v)).not.toBe(h);
  });

  it("ignores rows for unknown items and an older row than the one in force", () => {
    const h = hashOf(base());
    const i = base();
    i.evidence.push(row("x-custom", false, 1), row("secrets_not_logged", false, 99_999));
    expect(hashOf(i)).toBe(h);
  });
});
