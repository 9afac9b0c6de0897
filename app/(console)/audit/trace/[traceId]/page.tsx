import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TraceTimeline } from "@/components/audit/trace-timeline";
import { PageHeader, Section } from "@/components/ui/section";
import { getTraceTimeline } from "@/lib/server/audit-explorer/trace";
import { mayReadAudit } from "@/lib/server/audit-explorer/scope";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Trace" };

type Props = { params: Promise<{ traceId: string }> };

export default async function TracePage({ params }: Props) {
  const actor = await requireActor();
  if (!mayReadAudit(actor)) notFound();
  const traceId = safeDecode((await params).traceId);
  // A trace with nothing the actor may read is indistinguishable from an unknown one.
  const timeline = await getTraceTimeline(actor, traceId);
  if (!timeline) notFound();
  return (
    <>
      <PageHeader
        title="Trace"
        description={
          <>
            <code className="font-mono">{timeline.traceId}</code> · {timeline.items.length} event{timeline.items.length === 1 ? "" : "s"}, in the order
            they happened (where the audit log recorded one later, both times are shown)
          </>
        }
      >
        <Link href={`/audit?trace=${encodeURIComponent(timeline.traceId)}`} className="text-sm font-medium text-indigo-700 hover:underline">
          Entries with this trace id
        </Link>
      </PageHeader>
      {timeline.jobs.length > 0 ? (
        <div className="mb-4">
          <Section title="Jobs in this trace" id="jobs">
            <ul className="space-y-1 text-sm">
              {timeline.jobs.map((job) => (
                <li key={job.id} className="flex flex-wrap gap-2">
                  <Link href={`/approvals/${encodeURIComponent(job.id)}`} className="font-mono text-xs text-indigo-700 hover:underline">
                    {job.topic}
                  </Link>
                  <span className="text-xs text-slate-500">
                    {job.id} · {job.profile} · {job.status}
                  </span>
                </li>
              ))}
            </ul>
          </Section>
        </div>
      ) : null}
      <TraceTimeline items={timeline.items} />
    </>
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
