/**
 * Shared by the SIEM export tests: audit entries written the way the console
 * writes them (leaves in a transaction, sealed by the sequencer; every third
 * with a receipt), and what a downstream receiver checks on the events it got.
 */
import { expect } from "vitest";
import { GENESIS_HASH, hashAuditEntry } from "@/lib/domain/audit/chain";
import { entryFromOcsf, type OcsfEvent } from "@/lib/domain/siem/ocsf";
import type { Database } from "@/lib/db";
import { appendAudit, writeReceipt } from "@/lib/server/audit";
import { auditSequencer } from "@/lib/server/audit-sequencer";

let written = 0;

/** Appends `n` entries (a mix of actions; every third with a receipt) and seals them. Returns the receipt ids. */
export async function writeEntries(database: Database, n: number): Promise<string[]> {
  const receipts: string[] = [];
  for (let i = 0; i < n; i++) {
    written += 1;
    const k = written;
    await database.sql.transaction(async (tx) => {
      if (k % 3 === 0) {
        const r = await writeReceipt(tx, {
          action: "killswitch.engage",
          actor: { type: "user", id: `user-${k}` },
          scope: { type: "platform", id: "platform" },
          request: { k },
          result: { ok: true },
          summary: { reason: `test ${k} — ünïcode` },
        });
        receipts.push(r.id);
      } else {
        await appendAudit(tx, {
          actor: { type: k % 2 ? "host" : "user", id: `actor-${k}` },
          action: k % 2 ? "job.submit" : "auth.sign_in.succeeded",
          resource: k % 2 ? `job:job-${k}` : `user:actor-${k}`,
          decision: k % 2 ? "ALLOW" : "ALLOW",
          data: { k },
        });
      }
    });
  }
  await auditSequencer(database.sql).sealPending();
  return receipts;
}

export async function headSeq(database: Database): Promise<number> {
  const [row] = await database.sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`);
  return Number(row?.seq ?? 0);
}

/**
 * What a receiver can check without the console: the events, de-duplicated
 * by metadata.uid (the entry hash), cover 1..head with no gap, each re-hashes
 * to its hash and links to the one before.
 */
export function expectWholeChain(events: readonly OcsfEvent[], head: number): void {
  const unique = new Map<string, OcsfEvent>();
  for (const e of events) unique.set(e.metadata.uid, e);
  const ordered = [...unique.values()].sort((a, b) => a.unmapped.seq - b.unmapped.seq);
  expect(ordered.map((e) => e.unmapped.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  let prev = GENESIS_HASH;
  for (const e of ordered) {
    expect(e.unmapped.prevHash).toBe(prev);
    expect(hashAuditEntry(entryFromOcsf(e))).toBe(e.unmapped.hash);
    expect(e.metadata.uid).toBe(e.unmapped.hash);
    prev = e.unmapped.hash;
  }
}

/** The entries' seqs, in arrival order. */
export function seqs(events: readonly OcsfEvent[]): number[] {
  return events.map((e) => e.unmapped.seq);
}
