import { describe, expect, it } from "vitest";
import { CONTROLS } from "@/lib/domain/tiers";
import { EVIDENCE_INFO, EVIDENCE_ITEMS, ROLLBACK_LIMIT_SEC, evidenceChecklist, formatAge, formatDuration, isEvidenceItem, type EvidenceRow } from ".";

const now = new Date("2026-11-22T12:00:00Z");
const ago = (sec: number) => new Date(now.getTime() - sec * 1000);
const row = (item: string, passed: boolean, ageSec: number, detail: unknown = {}): EvidenceRow => ({ item, passed, observedAt: ago(ageSec), detail });
const entry = (rows: EvidenceRow[], item: string, digest?: string) =>
  evidenceChecklist(rows, now, { intendedDigest: digest }).entries.find((e) => e.item === item)!;

describe("evidence items", () => {
  it("lists the seven production-ready items with labels and real tier controls", () => {
    expect(EVIDENCE_ITEMS).toHaveLength(7);
    for (const item of EVIDENCE_ITEMS) {
      expect(EVIDENCE_INFO[item].label.length).toBeGreaterThan(5);
      for (const control of EVIDENCE_INFO[item].controls) expect(Object.keys(CONTROLS)).toContain(control);
    }
    expect(isEvidenceItem("rollback_proven")).toBe(true);
    expect(isEvidenceItem("toString")).toBe(false);
  });
});

describe("evidenceChecklist", () => {
  it("marks every item missing when there is no evidence", () => {
    const list = evidenceChecklist([], now);
    expect(list.entries.map((e) => e.item)).toEqual([...EVIDENCE_ITEMS]);
    expect(list.entries.every((e) => e.state === "missing" && e.ageSec === null)).toBe(true);
    expect(list.counts).toEqual({ pass: 0, fail: 0, missing: 7 });
    expect(list.ready).toBe(false);
  });

  it("is ready only when all seven pass, and reports each observation's age", () => {
    const rows = EVIDENCE_ITEMS.map((item, i) => row(item, true, 60 * (i + 1), item === "rollback_proven" ? { durationSec: 200 } : {}));
    const list = evidenceChecklist(rows, now);
    expect(list.ready).toBe(true);
    expect(list.counts.pass).toBe(7);
    expect(list.entries[0]!.ageSec).toBe(60);
    expect(list.entries.find((e) => e.item === "rollback_proven")!.durationSec).toBe(200);
  });

  it("keeps the host's reason for a failed item", () => {
    const e = entry([row("egress_enforced", false, 10, { reason: "reached 1.2.3.4:443" })], "egress_enforced");
    expect(e).toMatchObject({ state: "fail", reason: "reached 1.2.3.4:443", ageSec: 10 });
    const plain = entry([row("secrets_not_logged", false, 10, { detail: "token found in app.log" })], "secrets_not_logged");
    expect(plain.reason).toBe("token found in app.log");
  });

  it("fails a rollback that took five minutes or more, or reported no duration", () => {
    expect(entry([row("rollback_proven", true, 5, { durationSec: ROLLBACK_LIMIT_SEC - 1 })], "rollback_proven").state).toBe("pass");
    const slow = entry([row("rollback_proven", true, 5, { durationSec: ROLLBACK_LIMIT_SEC })], "rollback_proven");
    expect(slow).toMatchObject({ state: "fail", durationSec: 300, reason: "took 5 min (limit 5 min)" });
    expect(entry([row("rollback_proven", true, 5, {})], "rollback_proven")).toMatchObject({ state: "fail", reason: "no rollback duration reported" });
    expect(entry([row("rollback_proven", true, 5, { durationSec: "fast" })], "rollback_proven").state).toBe("fail");
  });

  it("fails an intended-digest pass that names a different digest than the registry's", () => {
    const want = `sha256:${"a".repeat(64)}`;
    expect(entry([row("intended_digest", true, 1, { digest: want })], "intended_digest", want).state).toBe("pass");
    const other = entry([row("intended_digest", true, 1, { digest: `sha256:${"b".repeat(64)}` })], "intended_digest", want);
    expect(other.state).toBe("fail");
    expect(other.reason).toMatch(/not the registered digest/);
  });

  it("uses the newest row per item and ignores unknown items", () => {
    const rows = [row("secrets_not_logged", false, 500), row("secrets_not_logged", true, 20), row("x-custom", true, 1)];
    const list = evidenceChecklist(rows, now);
    expect(list.entries.find((e) => e.item === "secrets_not_logged")).toMatchObject({ state: "pass", ageSec: 20 });
    expect(list.entries).toHaveLength(7);
  });

  it("never reports a negative age for an observation from the future", () => {
    expect(entry([row("canary_survived", true, -30)], "canary_survived").ageSec).toBe(0);
  });
});

describe("formatDuration", () => {
  it("formats seconds, minutes and hours", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(200)).toBe("3 min 20 s");
    expect(formatDuration(300)).toBe("5 min");
    expect(formatDuration(7500)).toBe("2 h 5 min");
  });
});

describe("formatAge", () => {
  it("rounds an age to seconds, minutes, hours (under two days) or days", () => {
    expect(formatAge(45)).toBe("45 s");
    expect(formatAge(150)).toBe("3 min");
    expect(formatAge(2 * 3600 + 600)).toBe("2 h");
    expect(formatAge(47 * 3600)).toBe("47 h");
    expect(formatAge(3 * 86_400)).toBe("3 days");
  });
});
