/**
 * Demo ingest history for each demo profile, shaped exactly as ingest stores
 * it (attributes already redacted, with the redaction summary), so a fresh
 * demo shows a live timeline, evidence checklist, costs and heartbeat-driven
 * health — health, unit state and last heartbeat all follow from the same
 * events. A profile whose host never reported ("unknown") has no history.
 * Pure: ids and the clock come from the caller.
 */
import { sha256Hex } from "@/lib/domain/hash";
import type { HealthState } from "@/lib/domain/tiers";
import type { EvidenceItem } from ".";

export const DEMO_HEARTBEAT_SEC = 600;

export interface DemoEventProfile {
  slug: string;
  health: HealthState;
  artifactDigest: string;
  hostId: string;
  /**
   * A richer story: denials, a redacted secret, no canary traffic yet, and a
   * secrets leak found later (`laterFailure`, which the demo applies after
   * the gate has promoted the profile, so the gate demotes it).
   */
  rich: boolean;
  /** Its last rollback drill took longer than the gate's five minutes. */
  slowDrill?: boolean;
  /** A quiet workload: it reports its health and evidence, and no tool, egress or model activity. */
  quiet?: boolean;
}

export interface DemoEvent {
  id: string;
  eventId: string;
  type: string;
  occurredAt: Date;
  traceId: string | null;
  attributes: Record<string, unknown>;
  redactions: { count: number; fields: string[]; kinds: Record<string, number> } | null;
}

export interface DemoProfileHistory {
  slug: string;
  hostId: string;
  events: DemoEvent[];
  profile: { lastHeartbeatAt: Date | null; heartbeatIntervalSec: number; unitState: string | null; unitStateAt: Date | null; lastSeenAt: Date | null };
  evidence: { item: EvidenceItem; passed: boolean; observedAt: Date; detail: Record<string, unknown>; eventId: string }[];
  costs: { eventId: string; occurredAt: Date; model: string; tokensIn: number; tokensOut: number; cost: string }[];
  /** A failing observation the host makes after the demo's promotions (the rich story's leak), or null. */
  laterFailure: { item: EvidenceItem; detail: Record<string, unknown> } | null;
}

/** Rollback drill durations: within the gate's five minutes, and one that is not. */
export const DEMO_DRILL_SEC = { rich: 196, usual: 142, slow: 412 } as const;

/** Seconds since the last beat that give `health` under the live thresholds (null: never beat). */
function lastBeatAgeSec(health: HealthState): number | null {
  if (health === "unknown") return null;
  if (health === "healthy") return 40;
  return health === "degraded" ? 3 * DEMO_HEARTBEAT_SEC : 3 * 3600;
}

export function demoHistory(p: DemoEventProfile, now: number, uuid: () => string): DemoProfileHistory {
  const events: DemoEvent[] = [];
  const at = (secAgo: number) => new Date(now - secAgo * 1000);
  let n = 0;
  const add = (type: string, secAgo: number, attributes: Record<string, unknown>, redactions: DemoEvent["redactions"] = null): DemoEvent => {
    n += 1;
    const event = { id: uuid(), eventId: `demo-${p.slug}-${String(n).padStart(3, "0")}`, type, occurredAt: at(secAgo), traceId: type === "health.heartbeat" ? null : sha256Hex(`${p.slug}:${n}`).slice(0, 32), attributes, redactions };
    events.push(event);
    return event;
  };

  const beatAge = lastBeatAgeSec(p.health);
  if (beatAge === null) {
    // The host is registered but has never reported: nothing to show, nothing to judge.
    const profile = { lastHeartbeatAt: null, heartbeatIntervalSec: DEMO_HEARTBEAT_SEC, unitState: null, unitStateAt: null, lastSeenAt: null };
    return { slug: p.slug, hostId: p.hostId, events, profile, evidence: [], costs: [], laterFailure: null };
  }
  const stopped = p.health === "down";
  const started = beatAge + 6 * 3600;
  add("service.start", started, { unit: `${p.slug.split("-").slice(1).join("-")}.service`, digest: p.artifactDigest });
  // Every DEMO_HEARTBEAT_SEC since the start, the last one exactly `beatAge` ago.
  for (let k = Math.floor((started - 60 - beatAge) / DEMO_HEARTBEAT_SEC); k >= 0; k -= 1) {
    add("health.heartbeat", beatAge + k * DEMO_HEARTBEAT_SEC, { status: "healthy", intervalSec: DEMO_HEARTBEAT_SEC });
  }
  const from = beatAge + 600;
  const costs: DemoProfileHistory["costs"] = [];
  for (let i = 0; i < (p.quiet ? 0 : 6); i += 1) {
    const tokensIn = 1200 + ((i * 733) % 2400);
    const tokensOut = 300 + ((i * 211) % 900);
    const cost = ((tokensIn * 3 + tokensOut * 15) / 1_000_000).toFixed(6);
    const e = add("cost.usage", from + i * 2700, { model: i % 3 === 2 ? "claude-haiku" : "claude-sonnet", tokensIn, tokensOut, cost: Number(cost) });
    costs.push({ eventId: e.id, occurredAt: e.occurredAt, model: String(e.attributes.model), tokensIn, tokensOut, cost });
  }
  if (!p.quiet) {
    add("tool.allowed", from + 300, { tool: "read_ticket", decision: "allow" });
    add("tool.denied", from + 900, { tool: "delete_ticket", reason: "not in the tool allowlist" });
    add("egress.denied", from + 1500, { destination: "pastebin.com:443", reason: "not in the egress allowlist" });
  }
  if (p.rich) {
    add("tool.denied", from + 4000, { tool: "export_all_tickets", reason: "denied tool" });
    add("auth.denied", from + 5200, { principal: "svc-reporting", reason: "token audience mismatch" });
    add("egress.denied", from + 6100, { destination: "203.0.113.9:22", reason: "not in the egress allowlist" });
    add("secret.loaded", from + 7000, { ref: "secret://vault/support/tickets-token" });
    add(
      "tool.allowed",
      from + 2100,
      { tool: "update_ticket", args: { ticket: "T-1042", comment: "retry with [REDACTED:bearer_token]" } },
      { count: 1, fields: ["args.comment"], kinds: { bearer_token: 1 } },
    );
    add("policy.decision", from + 2400, { topic: "job.mcp-bridge.write.update_ticket", decision: "REQUIRE_APPROVAL", rule: "writes-need-approval" });
  }

  const evidence: DemoProfileHistory["evidence"] = [];
  const items: [EvidenceItem, boolean, Record<string, unknown>][] = [
    ["intended_digest", true, { digest: p.artifactDigest }],
    ["cross_profile_read_denied", true, { probe: "read another profile's state dir" }],
    ["denied_tools_absent", true, {}],
    ["egress_enforced", true, { probe: "pastebin.com:443" }],
    ["secrets_not_logged", true, {}],
    ["rollback_proven", true, { durationSec: p.rich ? DEMO_DRILL_SEC.rich : p.slowDrill ? DEMO_DRILL_SEC.slow : DEMO_DRILL_SEC.usual }],
  ];
  if (!p.rich) items.push(["canary_survived", true, { requests: 18_240, errors: 36, stage: "limited" }]);
  items.forEach(([item, passed, detail], i) => {
    const e = add("canary.evidence", from + 8000 + i * 1800, { item, passed, ...detail });
    evidence.push({ item, passed, observedAt: e.occurredAt, detail, eventId: e.id });
  });
  const last = events.filter((e) => e.type === "health.heartbeat").at(-1);
  if (stopped) add("service.stop", beatAge, { reason: "host drained" });

  return {
    slug: p.slug,
    hostId: p.hostId,
    events,
    profile: {
      lastHeartbeatAt: last?.occurredAt ?? null,
      heartbeatIntervalSec: DEMO_HEARTBEAT_SEC,
      unitState: stopped ? "stopped" : "running",
      unitStateAt: at(stopped ? beatAge : started),
      lastSeenAt: events.reduce<Date | null>((latest, e) => (latest && latest > e.occurredAt ? latest : e.occurredAt), null),
    },
    evidence,
    costs,
    laterFailure: p.rich ? { item: "secrets_not_logged", detail: { reason: "an API-key pattern was found in app.log" } } : null,
  };
}
