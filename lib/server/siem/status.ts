import "server-only";
/**
 * The SIEM export's status for the admin page: each configured sink (from
 * the environment) with its cursor, lag, totals, last error and last
 * delivery. Null when the actor may not see it (./access.ts).
 */
import type { Actor } from "@/lib/authz";
import { database } from "@/lib/db";
import { displayTarget } from "@/lib/domain/siem/config";
import { env } from "@/lib/env";
import { mayReadSiemStatus } from "./access";
import { readSiemCursors, type SiemCursorView } from "./deliver";
import type { SinkName } from "./sinks";

export interface SiemSinkStatus {
  sink: SinkName | string;
  target: string;
  configured: boolean;
  /** Null until the export has started for this sink (its cursor row is created on the first tick). */
  cursor: SiemCursorView | null;
}

export interface SiemStatus {
  head: number;
  sinks: SiemSinkStatus[];
}

/** Sinks named by the environment (no secret resolved, no file read). */
function configuredSinks(): Array<{ sink: SinkName; target: string }> {
  const e = env();
  const out: Array<{ sink: SinkName; target: string }> = [];
  if (e.CELLGATE_SIEM_WEBHOOK_URL) out.push({ sink: "webhook", target: displayTarget(e.CELLGATE_SIEM_WEBHOOK_URL) });
  if (e.CELLGATE_SIEM_SYSLOG) out.push({ sink: "syslog", target: e.CELLGATE_SIEM_SYSLOG });
  if (e.CELLGATE_SIEM_OTLP_URL) out.push({ sink: "otlp", target: displayTarget(e.CELLGATE_SIEM_OTLP_URL) });
  return out;
}

export async function readSiemStatus(actor: Actor, now = new Date()): Promise<SiemStatus | null> {
  if (!mayReadSiemStatus(actor)) return null;
  const db = await database();
  const cursors = await readSiemCursors(db.sql, now);
  const [head] = await db.sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`);
  const configured = configuredSinks();
  const sinks: SiemSinkStatus[] = configured.map((c) => ({ ...c, configured: true, cursor: cursors.find((r) => r.sink === c.sink) ?? null }));
  // A sink no longer configured keeps its cursor (and would resume from it): shown, marked off.
  for (const r of cursors) if (!configured.some((c) => c.sink === r.sink)) sinks.push({ sink: r.sink, target: r.target, configured: false, cursor: r });
  return { head: Number(head?.seq ?? 0), sinks };
}
