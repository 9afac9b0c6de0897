import { Badge } from "@/components/ui/badge";
import { formatTime, shortHash } from "@/components/ui/format";
import { FULL_EVERY_MS, type ChainStatus, type CheckpointStatus } from "@/lib/server/audit-explorer/chain-status";

const FULL_EVERY_MINUTES = FULL_EVERY_MS / 60_000;

/** What the last verification checked, in plain words; never more than was checked. */
export function ChainStatusPanel({ status }: { status: ChainStatus }) {
  return (
    <section aria-labelledby="chain-status-heading" className="mb-4 rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="chain-status-heading" className="text-sm font-semibold text-slate-900">
          Chain status
        </h2>
        {status.ok ? <Badge tone="green">chain intact</Badge> : <Badge tone="red">chain broken</Badge>}
      </div>
      {status.ok ? (
        <div className="mt-1 space-y-1 text-sm text-slate-700">
          <p data-testid="chain-verified">
            Verified through seq {status.throughSeq} at {formatTime(status.checkedAt)}{" "}
            <span className="text-slate-500">(head hash <code className="font-mono text-xs" title={status.headHash}>{shortHash(status.headHash)}</code>)</span>.
          </p>
          <p className="text-xs text-slate-500">
            {status.full.throughSeq === 0
              ? "The log is empty."
              : `Entries 1–${status.full.throughSeq} were re-hashed from the genesis hash at ${formatTime(status.full.at)}`}
            {status.incremental
              ? `; ${range(status.incremental.fromSeq, status.incremental.throughSeq)}, appended since, ${status.incremental.fromSeq === status.incremental.throughSeq ? "was" : "were"} re-hashed now and linked onto entry ${status.full.throughSeq} (re-hashed again too)`
              : ""}
            . A full re-verification runs at least every {FULL_EVERY_MINUTES} minutes. The chain head row matches the last entry, so a removed tail would
            show. This checks the whole log, every tenant&rsquo;s entries included; the list below shows only the entries you may read.
          </p>
        </div>
      ) : (
        <p role="alert" className="mt-1 text-sm text-rose-800">
          Broken at entry {status.seq}: {status.reason}. Checked at {formatTime(status.checkedAt)}; {status.entriesChecked} entries before it verified.
        </p>
      )}
      <CheckpointLine checkpoint={status.checkpoint} />
    </section>
  );
}

function range(from: number, through: number): string {
  return from === through ? `entry ${from}` : `entries ${from}–${through}`;
}

/** Verification against the signed checkpoints: what ties the log to the platform key. */
function CheckpointLine({ checkpoint }: { checkpoint: CheckpointStatus }) {
  if (checkpoint.state === "none") {
    return (
      <p className="mt-1 text-xs text-slate-500">
        No signed checkpoint yet: this proves the log in this database is consistent with itself, not that it matches a checkpoint signed by the
        platform key.
      </p>
    );
  }
  if (checkpoint.state === "failed") {
    return (
      <p role="alert" data-testid="checkpoint-status" className="mt-1 text-sm text-rose-800">
        Signed checkpoints do NOT match the log from entry {checkpoint.seq}: {checkpoint.reason}. Checked at {formatTime(checkpoint.checkedAt)}.
      </p>
    );
  }
  return (
    <div data-testid="checkpoint-status" className="mt-2 flex flex-wrap items-center gap-2 text-xs text-slate-600">
      <Badge tone="green">checkpoint verified</Badge>
      <span>
        Entries 1–{checkpoint.seq} match the checkpoint signed at {formatTime(new Date(checkpoint.time))} by platform key{" "}
        <code className="font-mono">{checkpoint.keyId}</code> (signature, head hash and Merkle tree root recomputed; {checkpoint.count}{" "}
        {checkpoint.count === 1 ? "checkpoint" : "checkpoints"} checked at {formatTime(checkpoint.checkedAt)}). Keep an exported copy outside the
        console (<code className="font-mono">npx cellgate audit export-checkpoint</code>) to detect a rewrite of both.
      </span>
      <span data-testid="checkpoint-witnesses" className="basis-full">
        {checkpoint.witnesses.length === 0 ? (
          <>
            No witness has cosigned a checkpoint yet: run <code className="font-mono">npx cellgate witness run</code> on another machine, by another
            team (docs/witness.md), so a rewrite is caught by someone other than the console.
          </>
        ) : (
          <>
            Witnessed by{" "}
            {checkpoint.witnesses.map((w, i) => (
              <span key={w.name}>
                {i > 0 ? ", " : ""}
                <code className="font-mono">{w.name}</code> (tree size {w.treeSize}, cosigned {formatTime(new Date(w.cosignedAt))})
              </span>
            ))}
            : each checked the log only grew since the last tree it cosigned.
          </>
        )}
      </span>
    </div>
  );
}
