import { describe, expect, it } from "vitest";
import { EVIDENCE_ITEMS, evidenceChecklist, type EvidenceRow } from "@/lib/domain/evidence";
import { requiredControls, type TierName } from "@/lib/domain/tiers";
import { controlStatus, formatAgeLimit, itemStatus, type ControlAttestation } from "./controls";
import { MAX_EVIDENCE_AGE_SEC } from "./table";

const now = new Date("2026-11-22T12:00:00Z");
const H = 3600;
const ago = (sec: number) => new Date(now.getTime() - sec * 1000);
const row = (item: string, passed: boolean, ageSec: number, detail: unknown = {}): EvidenceRow => ({ item, passed, observedAt: ago(ageSec), detail });
const passing = (ageSec = 2 * H) =>
  EVIDENCE_ITEMS.map((item) => row(item, true, ageSec, item === "rollback_proven" ? { durationSec: 196 } : {}));
const attest = (tier: TierName, without: string[] = []): ControlAttestation[] =>
  requiredControls(tier)
    .filter((c) => !without.includes(c))
    .map((control) => ({ control, evidencedAt: ago(30 * 86_400), source: `evidence/${control}.json` }));
const entry = (rows: EvidenceRow[], item: string) => evidenceChecklist(rows, now).entries.find((e) => e.item === item)!;

describe("itemStatus", () => {
  it("names a missing, failing, stale or passing item in plain words", () => {
    expect(itemStatus(entry([], "canary_survived"), 24 * H, now)).toMatchObject({ state: "missing", text: "Canary survived real traffic: missing" });
    expect(itemStatus(entry([row("secrets_not_logged", false, 2 * H)], "secrets_not_logged"), 24 * H, now)).toMatchObject({
      state: "fail",
      text: "Secrets not logged: failing (observed 2 h ago)",
    });
    const said = itemStatus(entry([row("egress_enforced", false, 60, { reason: "reached 1.2.3.4:443" })], "egress_enforced"), 24 * H, now);
    expect(said.text).toBe("Egress policy enforced: failing (observed 1 min ago) — reached 1.2.3.4:443");
    expect(itemStatus(entry([row("egress_enforced", true, 3 * 86_400)], "egress_enforced"), 24 * H, now)).toMatchObject({
      state: "stale",
      ageSec: 3 * 86_400,
      text: "Evidence older than 24 h: Egress policy enforced observed 3 days ago",
    });
    expect(itemStatus(entry([row("denied_tools_absent", true, 5 * 60)], "denied_tools_absent"), 24 * H, now).text).toBe("Denied tools absent: passing (observed 5 min ago)");
  });

  it("calls the rollback item a drill and gives its duration against the 5 min limit", () => {
    const slow = itemStatus(entry([row("rollback_proven", true, 2 * H, { durationSec: 420 })], "rollback_proven"), 24 * H, now);
    expect(slow).toMatchObject({ state: "fail", label: "Rollback drill", text: "Rollback drill: took 7 min (limit 5 min), observed 2 h ago" });
    const ok = itemStatus(entry([row("rollback_proven", true, 2 * H, { durationSec: 196 })], "rollback_proven"), 24 * H, now);
    expect(ok).toMatchObject({ state: "pass", text: "Rollback drill: took 3 min 16 s, observed 2 h ago" });
    const none = itemStatus(entry([row("rollback_proven", true, 60, {})], "rollback_proven"), 24 * H, now);
    expect(none.text).toBe("Rollback drill: failing (observed 1 min ago) — no rollback duration reported");
    expect(itemStatus(entry([], "rollback_proven"), 24 * H, now).text).toBe("Rollback drill: missing");
  });

  it("counts an observation exactly at the limit as fresh and one second older as stale", () => {
    for (const limit of Object.values(MAX_EVIDENCE_AGE_SEC)) {
      expect(itemStatus(entry([row("intended_digest", true, limit)], "intended_digest"), limit, now).state).toBe("pass");
      expect(itemStatus(entry([row("intended_digest", true, limit + 1)], "intended_digest"), limit, now).state).toBe("stale");
    }
  });

  it("reports a failure as failing, not stale, however old", () => {
    expect(itemStatus(entry([row("secrets_not_logged", false, 30 * 86_400)], "secrets_not_logged"), 24 * H, now).state).toBe("fail");
  });

  it("ages from its own clock, not the checklist's", () => {
    const checklist = evidenceChecklist([row("intended_digest", true, 25 * H)], ago(25 * H));
    const e = checklist.entries.find((x) => x.item === "intended_digest")!;
    expect(e.ageSec).toBe(0);
    expect(itemStatus(e, 24 * H, now)).toMatchObject({ state: "stale", ageSec: 25 * H });
  });
});

describe("formatAgeLimit", () => {
  it("writes the tier limits as the table states them", () => {
    expect(formatAgeLimit(24 * H)).toBe("24 h");
    expect(formatAgeLimit(72 * H)).toBe("72 h");
    expect(formatAgeLimit(48 * H)).toBe("48 h");
    expect(formatAgeLimit(7 * 86_400)).toBe("7 days");
    expect(formatAgeLimit(90)).toBe("1 min 30 s");
  });
});

describe("controlStatus", () => {
  it("is complete when every required control is attested and its backing items pass and are fresh", () => {
    const report = controlStatus("L2", attest("L2"), evidenceChecklist(passing(), now), now);
    expect(report.controls.map((c) => c.control)).toEqual(requiredControls("L2"));
    expect(report.controls.every((c) => c.evidenced && c.why === null && c.required)).toBe(true);
    expect(report).toMatchObject({ complete: true, notEvidenced: [], maxEvidenceAgeSec: 72 * H });
    const pinning = report.controls.find((c) => c.control === "digest_pinning")!;
    expect(pinning.attestation).toEqual({ evidencedAt: ago(30 * 86_400), ageSec: 30 * 86_400, source: "evidence/digest_pinning.json" });
    expect(pinning.backedBy.map((b) => [b.item, b.state])).toEqual([["intended_digest", "pass"]]);
  });

  it("is not complete when a failing item backs a control: all 12 attested, secrets failing (acme-ticket-triage)", () => {
    const rows = passing().map((r) => (r.item === "secrets_not_logged" ? row(r.item, false, 3 * H, { reason: "an API-key pattern was found in app.log" }) : r));
    const report = controlStatus("L2", attest("L2"), evidenceChecklist(rows, now), now);
    expect(report.complete).toBe(false);
    expect(report.notEvidenced.map((c) => [c.control, c.why])).toEqual([
      ["no_secrets", "Secrets not logged: failing (observed 3 h ago) — an API-key pattern was found in app.log"],
    ]);
    expect(report.controls.filter((c) => c.evidenced)).toHaveLength(11);
  });

  it("is not complete when a backing item is stale for the tier", () => {
    const rows = passing(2 * H).map((r) => (r.item === "egress_enforced" ? row(r.item, true, 3 * 86_400) : r));
    const l4 = controlStatus("L4", attest("L4"), evidenceChecklist(rows, now), now);
    expect(l4.notEvidenced.map((c) => [c.control, c.why])).toEqual([
      ["default_deny_egress", "Evidence older than 24 h: Egress policy enforced observed 3 days ago"],
    ]);
    // The same observation is fresh enough for L1 (7 days).
    expect(controlStatus("L1", attest("L1"), evidenceChecklist(rows, now), now).complete).toBe(true);
  });

  it("is not complete when a control has no attestation, and says so", () => {
    const report = controlStatus("L0", attest("L0", ["teardown"]), evidenceChecklist(passing(), now), now);
    expect(report.notEvidenced.map((c) => [c.control, c.why, c.attestation])).toEqual([["teardown", "no evidence recorded", null]]);
  });

  it("names every broken backing item of a control", () => {
    const rows = passing().map((r) =>
      r.item === "intended_digest" ? row(r.item, false, H) : r.item === "canary_survived" ? row(r.item, true, 2 * 86_400) : r,
    );
    const live = controlStatus("L4", attest("L4"), evidenceChecklist(rows, now), now).controls.find((c) => c.control === "live_runtime_proof")!;
    expect(live.evidenced).toBe(false);
    expect(live.why).toBe("Intended digest running: failing (observed 1 h ago); Evidence older than 24 h: Canary survived real traffic observed 2 days ago");
  });

  it("does not void an attestation for a backing item never observed", () => {
    const report = controlStatus("L3", attest("L3"), evidenceChecklist([], now), now);
    expect(report.complete).toBe(true);
    expect(report.controls.find((c) => c.control === "live_runtime_proof")!.backedBy.map((b) => b.state)).toEqual(["missing", "missing"]);
  });

  it("reports attested controls beyond the tier separately, judged the same way", () => {
    const controls = [...attest("L0"), { control: "tenant_isolation", evidencedAt: ago(60) }, { control: "custom_check", evidencedAt: ago(60) }];
    const rows = [row("cross_profile_read_denied", false, 60)];
    const report = controlStatus("L0", controls, evidenceChecklist(rows, now), now);
    expect(report.beyondTier.map((c) => [c.control, c.required, c.evidenced])).toEqual([
      ["custom_check", false, true],
      ["tenant_isolation", false, false],
    ]);
    expect(report.beyondTier[0]!.label).toBe("custom_check");
    expect(report.complete).toBe(true); // beyond-tier controls do not count against the tier
  });
});
