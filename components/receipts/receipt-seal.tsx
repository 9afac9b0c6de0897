import { Badge } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import type { ReceiptSealView } from "@/lib/server/receipt-load";

/**
 * How the receipt's audit entry is sealed: the first signed checkpoint whose
 * tree covers it, or "not yet in a checkpoint". The one place this state is
 * drawn, so a new state (say, pending seal before a sequence number exists)
 * changes only this component and loadReceipt.
 */
export function ReceiptSeal({ seal, seq }: { seal: ReceiptSealView | null; seq: number }) {
  if (!seal) {
    return (
      <div data-seal="none" className="space-y-1 text-sm">
        <Badge tone="amber">not yet in a checkpoint</Badge>
        <p className="text-slate-600">
          Entry #{seq} is in the chain; the next signed checkpoint (taken every few minutes) will cover it.
        </p>
      </div>
    );
  }
  const { checkpoint } = seal;
  return (
    <dl data-seal="sealed" className="divide-y divide-slate-100 text-sm">
      <Item label="Status">
        <Badge tone="green">sealed at checkpoint #{checkpoint.seq}</Badge>
      </Item>
      <Item label="Checkpoint">
        covers entries 1–{checkpoint.seq}, taken <time dateTime={checkpoint.time}>{formatTime(checkpoint.time)}</time>
      </Item>
      <Item label="Tree root">
        <code className="break-all font-mono text-xs">{checkpoint.treeRoot}</code>
      </Item>
      <Item label="Head hash">
        <code className="break-all font-mono text-xs">{checkpoint.headHash}</code>
      </Item>
      <Item label="Signed by">
        <code className="font-mono text-xs">{checkpoint.keyId}</code>
      </Item>
      <Item label="Inclusion proof">
        {seal.proof.length === 0 ? (
          "empty (the entry is the whole tree)"
        ) : (
          <details>
            <summary className="cursor-pointer text-xs text-slate-600">
              {seal.proof.length} hash{seal.proof.length === 1 ? "" : "es"}, leaf {seal.leafIndex} of {seal.treeSize}
            </summary>
            <ol className="mt-1 space-y-0.5">
              {seal.proof.map((h, i) => (
                <li key={i} className="break-all font-mono text-xs text-slate-700">
                  {h}
                </li>
              ))}
            </ol>
          </details>
        )}
      </Item>
    </dl>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-1.5 sm:grid-cols-[10rem_1fr]">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-900">{children}</dd>
    </div>
  );
}
