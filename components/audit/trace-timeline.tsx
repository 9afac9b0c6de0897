import Link from "next/link";
import { Badge, type Tone } from "@/components/ui/badge";
import { formatTime } from "@/components/ui/format";
import { recordedLater } from "@/lib/domain/audit/timeline";
import type { TraceItem, TraceItemKind } from "@/lib/server/audit-explorer/trace";
import { JsonBlock } from "./json-block";
import { AgentText } from "@/components/ui/agent-text";

const KIND: Record<TraceItemKind, { label: string; tone: Tone }> = {
  request: { label: "request", tone: "indigo" },
  decision: { label: "decision", tone: "amber" },
  vote: { label: "approval", tone: "green" },
  resolution: { label: "resolution", tone: "slate" },
  ingest: { label: "host event", tone: "slate" },
  entry: { label: "audit entry", tone: "slate" },
};

export function TraceTimeline({ items }: { items: TraceItem[] }) {
  return (
    <ol aria-label="Trace timeline" className="relative space-y-3 border-l border-slate-200 pl-5">
      {items.map((item, i) => (
        <li key={`${item.kind}-${item.seq ?? i}`} data-kind={item.kind} className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm">
          <div className="flex flex-wrap items-baseline gap-2">
            <Badge tone={KIND[item.kind].tone}>{KIND[item.kind].label}</Badge>
            <span className="text-sm font-medium text-slate-900">
              <AgentText text={item.title} />
            </span>
            {item.seq !== null ? (
              <Link href={`/audit/${item.seq}`} className="text-xs tabular-nums text-indigo-700 hover:underline">
                entry #{item.seq}
              </Link>
            ) : null}
            <span className="ml-auto text-right text-xs text-slate-600">
              <time dateTime={item.time.toISOString()} title={item.time.toISOString()} data-testid="happened-at">
                {formatTime(item.time)}
              </time>
              {item.recordedAt && recordedLater(item) ? (
                <span className="block" data-testid="recorded-at">
                  {item.kind === "ingest" ? "received" : "recorded in the audit log"}{" "}
                  <time dateTime={item.recordedAt.toISOString()} title={item.recordedAt.toISOString()}>
                    {formatTime(item.recordedAt)}
                  </time>
                </span>
              ) : null}
            </span>
          </div>
          <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-0.5 text-xs text-slate-600">
            {item.actor ? <Fact k="actor" v={item.actor} /> : null}
            {item.profile ? <Fact k="profile" v={item.profile} /> : null}
            {item.decision && item.kind !== "decision" ? <Fact k="decision" v={item.decision} /> : null}
            {Object.entries(item.facts).map(([k, v]) => (
              <Fact key={k} k={k} v={v} />
            ))}
          </dl>
          {item.data !== null && item.data !== undefined ? (
            <details className="mt-2">
              <summary className="cursor-pointer text-xs font-medium text-slate-600">Data</summary>
              <div className="mt-1">
                <JsonBlock value={item.data} label={`Data of ${item.title}`} />
              </div>
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function Fact({ k, v }: { k: string; v: string }) {
  return (
    <div className="flex min-w-0 gap-1">
      <dt className="text-slate-500">{k}:</dt>
      <dd className="break-all font-mono">
        <AgentText text={v} />
      </dd>
    </div>
  );
}
