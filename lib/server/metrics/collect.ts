import "server-only";
/**
 * The console's Prometheus metrics, every figure a SQL count or aggregate
 * (grouped in the database, never rows loaded into JavaScript). The totals
 * over history (events by type, batches, duplicates, decisions, checkpoints)
 * come from "MetricCounter", which triggers keep exact in the writing
 * transaction, so a scrape costs the same at a thousand events or at ten
 * million; the rest are bounded by what is live (pending jobs, switches in
 * force, profiles). Platform-wide: only a metrics token or a platform admin
 * may read them (see ./handler.ts).
 */
import type { Database } from "@/lib/db";
import { formatExposition, type MetricFamily } from "@/lib/domain/metrics/exposition";
import { HEALTH_STATES } from "@/lib/domain/tiers";
import { hostAdmissionStats } from "@/lib/server/host-auth";
import { auditSequencer } from "@/lib/server/audit-sequencer";
import { readSiemCursors, type SiemCursorView } from "@/lib/server/siem/deliver";

export const DECISIONS = ["ALLOW", "DENY", "REQUIRE_APPROVAL", "ALLOW_WITH_CONSTRAINTS", "THROTTLE"] as const;
export const KILL_SWITCH_SCOPES = ["global", "tenant", "profile", "capability"] as const;

/** Event types given their own series; the rest (hosts may invent `x-` types) are summed as type="other". */
export const MAX_EVENT_TYPES = 50;

type Sql = Pick<Database, "sql">;

interface Scalars {
  pending: string | number;
  head: number | null;
  checkpoint_seq: number | null;
  checkpoint_time: Date | string | null;
  integrity_alarms: string | number;
  leaves_pending: string | number;
  oldest_leaf: Date | string | null;
}

/** Grouped counts, with every expected key present (0 when SQL found none) and unexpected keys kept after them. */
function grouped(rows: readonly { key: string; n: string | number }[], expected: readonly string[], label: string) {
  const counts = new Map<string, number>(expected.map((k) => [k, 0]));
  for (const row of rows) counts.set(row.key, (counts.get(row.key) ?? 0) + Number(row.n));
  return [...counts].map(([key, value]) => ({ labels: { [label]: key }, value }));
}

/** One series per event type (alphabetical), at most MAX_EVENT_TYPES; the least frequent beyond that summed as "other". */
function eventSamples(rows: readonly { key: string; n: string | number }[]) {
  const kept = rows.slice(0, MAX_EVENT_TYPES).map((r) => ({ labels: { type: r.key }, value: Number(r.n) }));
  kept.sort((a, b) => (a.labels.type < b.labels.type ? -1 : a.labels.type > b.labels.type ? 1 : 0));
  const rest = rows.slice(MAX_EVENT_TYPES).reduce((n, r) => n + Number(r.n), 0);
  return rows.length > MAX_EVENT_TYPES ? [...kept, { labels: { type: "other" }, value: rest }] : kept;
}

/** The metric families, read now. `now` decides which jobs and kill switches are still in force. */
export async function collectMetrics(database: Sql, now = new Date()): Promise<MetricFamily[]> {
  const q = database.sql.query.bind(database.sql);
  const [counters, switches, profiles, scalars, siem] = await Promise.all([
    q<{ name: string; key: string; n: string }>(
      `SELECT name, key, sum(value) AS n FROM "MetricCounter" GROUP BY name, key HAVING sum(value) <> 0 ORDER BY name, sum(value) DESC, key`,
    ),
    q<{ key: string; n: string }>(
      `SELECT scope::text AS key, count(*) AS n FROM "KillSwitch"
       WHERE "releasedAt" IS NULL AND ("autoReleaseAt" IS NULL OR "autoReleaseAt" > $1::timestamptz)
       GROUP BY scope`,
      [now],
    ),
    q<{ key: string; n: string }>(`SELECT health::text AS key, count(*) AS n FROM "Profile" GROUP BY health`),
    q<Scalars>(
      `SELECT
         (SELECT count(*) FROM "Job" WHERE status = 'PENDING_APPROVAL' AND ("expiresAt" IS NULL OR "expiresAt" > $1::timestamptz)) AS pending,
         (SELECT seq FROM "AuditHead" WHERE id = 1) AS head,
         (SELECT seq FROM "AuditCheckpoint" ORDER BY seq DESC LIMIT 1) AS checkpoint_seq,
         (SELECT time FROM "AuditCheckpoint" ORDER BY time DESC LIMIT 1) AS checkpoint_time,
         (SELECT count(*) FROM "IntegrityAlarm") AS integrity_alarms,
         (SELECT count(*) FROM "AuditLeaf") AS leaves_pending,
         (SELECT min(time) FROM "AuditLeaf") AS oldest_leaf`,
      [now],
    ),
    readSiemCursors(database.sql, now),
  ]);
  const s = scalars[0]!;
  const counted = (name: string) => counters.filter((c) => c.name === name);
  const total = (name: string) => counted(name).reduce((n, c) => n + Number(c.n), 0);
  const events = counted("ingest_events");
  const decisions = counted("policy_decisions");
  const checkpointTime = s.checkpoint_time === null ? null : new Date(s.checkpoint_time);
  return [
    {
      name: "cellgate_ingest_events_total",
      help: "Ingest events stored, by event type.",
      type: "counter",
      samples: eventSamples(events),
    },
    { name: "cellgate_ingest_batches_total", help: "Ingest batches accepted.", type: "counter", samples: [{ value: total("ingest_batches") }] },
    {
      name: "cellgate_ingest_duplicates_total",
      help: "Re-sent ingest events counted as duplicates (never stored twice).",
      type: "counter",
      samples: [{ value: total("ingest_duplicates") }],
    },
    {
      name: "cellgate_policy_decisions_total",
      help: "Policy decisions recorded, by decision.",
      type: "counter",
      samples: grouped(decisions, DECISIONS, "decision"),
    },
    {
      name: "cellgate_jobs_pending_approval",
      help: "Jobs waiting for approval and not yet expired.",
      type: "gauge",
      samples: [{ value: Number(s.pending) }],
    },
    {
      name: "cellgate_integrity_alarms_total",
      help: "Jobs found not to match their hash (stored request altered), each counted once when first noticed.",
      type: "counter",
      samples: [{ value: Number(s.integrity_alarms) }],
    },
    {
      name: "cellgate_kill_switches_in_force",
      help: "Kill switches in force (engaged, not released, not past their automatic release), by scope.",
      type: "gauge",
      samples: grouped(switches, KILL_SWITCH_SCOPES, "scope"),
    },
    {
      name: "cellgate_profiles",
      help: "Registered profiles, by health.",
      type: "gauge",
      samples: grouped(profiles, HEALTH_STATES, "health"),
    },
    {
      name: "cellgate_audit_head_seq",
      help: "Sequence number of the newest audit log entry (0: empty log).",
      type: "gauge",
      samples: [{ value: Number(s.head ?? 0) }],
    },
    {
      name: "cellgate_audit_checkpoints_total",
      help: "Signed audit checkpoints taken.",
      type: "counter",
      samples: [{ value: total("audit_checkpoints") }],
    },
    {
      name: "cellgate_audit_checkpoint_seq",
      help: "Audit sequence number covered by the newest signed checkpoint (0: none yet).",
      type: "gauge",
      samples: [{ value: Number(s.checkpoint_seq ?? 0) }],
    },
    {
      name: "cellgate_audit_checkpoint_timestamp_seconds",
      help: "Unix time of the newest signed checkpoint (no sample before the first).",
      type: "gauge",
      samples: checkpointTime ? [{ value: checkpointTime.getTime() / 1000 }] : [],
    },
    ...sealFamilies(database, s, now),
    ...admissionFamilies(),
    ...siemFamilies(siem),
  ];
}

/** Audit sealing: what is pending (platform-wide, from the database) and this process's seal lag. */
function sealFamilies(database: Sql, s: Scalars, now: Date): MetricFamily[] {
  const stats = auditSequencer(database.sql).stats;
  const lags = [...stats.recentLagSeconds].sort((a, b) => a - b);
  const oldest = s.oldest_leaf === null ? null : new Date(s.oldest_leaf);
  return [
    {
      name: "cellgate_audit_leaves_pending",
      help: "Audit leaves committed but not yet sealed into the chain (all replicas).",
      type: "gauge",
      samples: [{ value: Number(s.leaves_pending) }],
    },
    {
      name: "cellgate_audit_oldest_pending_seconds",
      help: "Age of the oldest audit leaf not yet sealed (0: none pending).",
      type: "gauge",
      samples: [{ value: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0 }],
    },
    {
      name: "cellgate_audit_leaves_sealed_total",
      help: "Audit leaves this console process sealed into the chain since it started.",
      type: "counter",
      samples: [{ value: stats.sealed }],
    },
    {
      name: "cellgate_audit_seal_lag_seconds",
      help: `Time from a leaf being written to its seal, over the last ${stats.recentLagSeconds.length} leaves this process sealed (no sample before the first).`,
      type: "gauge",
      samples: lags.length ? [0.5, 0.99, 1].map((q) => ({ labels: { quantile: String(q) }, value: quantileOf(lags, q) })) : [],
    },
  ];
}

/** The q-quantile (nearest rank) of ascending values. */
function quantileOf(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** This process's host-request admission (load shedding): per console process, not fleet-wide. */
function admissionFamilies(): MetricFamily[] {
  const a = hostAdmissionStats();
  return [
    { name: "cellgate_host_requests_in_flight", help: "Host API requests running in this console process.", type: "gauge", samples: [{ value: a.inFlight }] },
    { name: "cellgate_host_requests_queued", help: "Host API requests waiting for a slot in this console process.", type: "gauge", samples: [{ value: a.queued }] },
    { name: "cellgate_host_requests_in_flight_limit", help: "CELLGATE_MAX_IN_FLIGHT of this console process.", type: "gauge", samples: [{ value: a.maxInFlight }] },
    {
      name: "cellgate_host_requests_shed_total",
      help: "Host API requests this console process answered 503 overloaded (nothing read or stored) since it started.",
      type: "counter",
      samples: [{ value: a.shed }],
    },
  ];
}

/** The exposition text (format 0.0.4) of `collectMetrics`. */
export async function metricsText(database: Sql, now = new Date()): Promise<string> {
  return formatExposition(await collectMetrics(database, now));
}

/** SIEM export, per sink: read from the cursor rows and the audit head (one lookup each), never by counting history. */
function siemFamilies(cursors: readonly SiemCursorView[]): MetricFamily[] {
  const per = (value: (c: SiemCursorView) => number) => cursors.map((c) => ({ labels: { sink: c.sink }, value: value(c) }));
  return [
    { name: "cellgate_siem_entries_behind", help: "Audit entries after the sink's cursor (not yet delivered to the SIEM).", type: "gauge", samples: per((c) => c.behind) },
    {
      name: "cellgate_siem_seconds_behind",
      help: "Age of the oldest audit entry the sink has not delivered (0: caught up).",
      type: "gauge",
      samples: per((c) => c.secondsBehind),
    },
    { name: "cellgate_siem_delivered_total", help: "Audit entries delivered to the sink and acknowledged (re-sent ones counted again).", type: "counter", samples: per((c) => c.delivered) },
    { name: "cellgate_siem_failures_total", help: "Failed delivery attempts to the sink (each retried after a back-off).", type: "counter", samples: per((c) => c.failures) },
    {
      name: "cellgate_siem_last_delivery_timestamp_seconds",
      help: "Unix time of the sink's last acknowledged batch (no sample before the first).",
      type: "gauge",
      samples: cursors.filter((c) => c.lastDeliveredAt).map((c) => ({ labels: { sink: c.sink }, value: new Date(c.lastDeliveredAt!).getTime() / 1000 })),
    },
  ];
}
