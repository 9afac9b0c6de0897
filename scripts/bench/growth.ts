/**
 * History growth for bench:ingest (BENCH_GROWTH_EVENTS=N, PostgreSQL only):
 * N more ingest events spread over the last 30 days and the bench's
 * profiles, and N/10 more audit entries (a valid chain, hashed here and
 * appended after the head), so the console can be driven again at that size
 * and compared with the run on a young database. Written in chunks through
 * the same triggers (counters, rollups) as any write.
 */
import { randomBytes } from "node:crypto";
import type { Database } from "../../lib/db";
import { hashAuditEntry } from "../../lib/domain/audit/chain";

const EVENT_CHUNK = 200_000;
const AUDIT_CHUNK = 10_000;
const TYPES = ["tool.call", "tool.denied", "egress.denied", "heartbeat", "model.call"];

export async function growHistory(
  database: Database,
  profiles: Array<{ hostId: string; tenantId: string; profileId: string }>,
  events: number,
): Promise<{ events: number; auditEntries: number; seconds: number }> {
  const t0 = Date.now();
  const [batch] = await database.sql.query<{ id: string }>(`SELECT id FROM "IngestBatch" LIMIT 1`);
  if (!batch) throw new Error("growth: no ingest batch to attach the events to (drive the console first)");
  const hosts = profiles.map((p) => p.hostId);
  const tenants = profiles.map((p) => p.tenantId);
  const ids = profiles.map((p) => p.profileId);
  const run = randomBytes(4).toString("hex");
  for (let done = 0; done < events; done += EVENT_CHUNK) {
    const n = Math.min(EVENT_CHUNK, events - done);
    await database.sql.query(
      `INSERT INTO "IngestEvent" (id, "hostId", "eventId", "batchId", "tenantId", "profileId", type, "occurredAt", "receivedAt", "traceId", attributes)
       SELECT gen_random_uuid(), ($3::text[])[1 + g % $6], $7 || '-' || ($2 + g), $1, ($4::uuid[])[1 + g % $6], ($5::uuid[])[1 + g % $6],
              ($8::text[])[1 + (g / 7) % 5], now() - ((g * 7919) % 2592000) * interval '1 second', now(), md5($7 || g::text),
              jsonb_build_object('seed', true, 'n', g)
         FROM generate_series(1, $9::int) AS g`,
      [batch.id, done, hosts, tenants, ids, profiles.length, `growth-${run}`, TYPES, n],
    );
  }
  const auditEntries = Math.floor(events / 10);
  const [head] = await database.sql.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM "AuditHead" WHERE id = 1`);
  let seq = Number(head!.seq);
  let prevHash = head!.hash;
  for (let done = 0; done < auditEntries; done += AUDIT_CHUNK) {
    const n = Math.min(AUDIT_CHUNK, auditEntries - done);
    const cols: unknown[][] = Array.from({ length: 8 }, () => []);
    const time = new Date().toISOString();
    for (let i = 0; i < n; i++) {
      seq += 1;
      const p = profiles[seq % profiles.length]!;
      const fields = {
        seq, time, actorType: "host", actorId: p.hostId, action: "ingest.batch", resource: `host:${p.hostId}`,
        tenantId: p.tenantId, profileId: p.profileId, decision: null, requestHash: null, resultHash: null, traceId: null,
        data: { growth: run, n: seq }, prevHash,
      };
      const hash = hashAuditEntry(fields);
      [seq, p.hostId, `host:${p.hostId}`, p.tenantId, p.profileId, JSON.stringify(fields.data), prevHash, hash].forEach((v, k) => cols[k]!.push(v));
      prevHash = hash;
    }
    await database.sql.transaction(async (tx) => {
      await tx.query(`SELECT seq FROM "AuditHead" WHERE id = 1 FOR UPDATE`);
      await tx.query(
        `INSERT INTO "AuditEntry" (seq, time, "actorType", "actorId", action, resource, "tenantId", "profileId", data, "prevHash", hash)
         SELECT s, $1::timestamptz, 'host', a, 'ingest.batch', r, t, p, d::jsonb, ph, h
           FROM unnest($2::int[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::text[]) AS u(s, a, r, t, p, d, ph, h)`,
        [time, ...cols],
      );
      await tx.query(`UPDATE "AuditHead" SET seq = $1::int, hash = $2 WHERE id = 1`, [seq, prevHash]);
    });
  }
  await database.sql.exec(`ANALYZE "IngestEvent"; ANALYZE "AuditEntry"`);
  return { events, auditEntries, seconds: (Date.now() - t0) / 1000 };
}
