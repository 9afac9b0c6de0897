import { ScrollArea } from "@/components/ui/scroll-area";
import { Badge, type Tone } from "@/components/ui/badge";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState, Section } from "@/components/ui/section";
import type { Timeline, TimelineEvent } from "@/lib/server/events";
import { TableHead } from "@/components/ui/table-head";
import { AgentText } from "@/components/ui/agent-text";
import { hasHiddenChars } from "@/lib/domain/text/hidden-chars";

const TYPE_TONES: Record<string, Tone> = {
  "tool.denied": "red",
  "egress.denied": "red",
  "auth.denied": "red",
  "policy.decision": "indigo",
  "canary.evidence": "indigo",
  "rollback.executed": "amber",
  "service.stop": "amber",
  "health.heartbeat": "green",
  "service.start": "green",
};

function eventTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** `/profiles/<slug>?type=…&events=…`, leaving out the defaults. */
export function timelineHref(slug: string, type: string | null, page: number): string {
  const params = new URLSearchParams();
  if (type) params.set("type", type);
  if (page > 1) params.set("events", String(page));
  const query = params.toString();
  return `/profiles/${encodeURIComponent(slug)}${query ? `?${query}` : ""}`;
}

function TypeFilter({ slug, timeline }: { slug: string; timeline: Timeline }) {
  const options = timeline.type && !timeline.types.includes(timeline.type) ? [...timeline.types, timeline.type] : timeline.types;
  return (
    <form method="get" action={`/profiles/${encodeURIComponent(slug)}`} className="flex items-center gap-2 text-sm">
      <label htmlFor="event-type" className="text-slate-600">
        Event type
      </label>
      <select
        id="event-type"
        name="type"
        defaultValue={timeline.type ?? ""}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-800"
      >
        <option value="">All types</option>
        {options.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 py-1 font-medium text-slate-700 hover:bg-slate-50">
        Filter
      </button>
    </form>
  );
}

function EventRow({ event }: { event: TimelineEvent }) {
  const pretty = JSON.stringify(event.attributes, null, 2);
  const keys = event.attributes && typeof event.attributes === "object" ? Object.keys(event.attributes).length : 0;
  return (
    <tr className="align-top" data-event-type={event.type}>
      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">
        <time dateTime={event.occurredAt.toISOString()}>{eventTime(event.occurredAt)}</time>
      </td>
      <td className="px-3 py-2">
        <span className="flex flex-wrap items-center gap-1">
          <Badge tone={TYPE_TONES[event.type] ?? "slate"}>{event.type}</Badge>
          {hasHiddenChars(pretty) ? (
            <Badge tone="amber" title="Contains invisible or direction-changing characters, shown as ⟨U+XXXX⟩">
              hidden characters
            </Badge>
          ) : null}
          {event.redactions ? (
            <Badge tone="amber" title={`Redacted: ${event.redactions.fields.join(", ") || "values"}`}>
              redacted
            </Badge>
          ) : null}
        </span>
      </td>
      <td className="px-3 py-2 font-mono text-xs text-slate-700">{event.hostId}</td>
      <td className="px-3 py-2 font-mono text-xs text-slate-500">{event.traceId ?? "—"}</td>
      <td className="px-3 py-2">
        <details>
          <summary className="cursor-pointer text-xs text-slate-600">
            {keys === 1 ? "1 attribute" : `${keys} attributes`}
          </summary>
          <pre className="mt-1 max-w-xl overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs text-slate-800">
            <AgentText text={pretty} />
          </pre>
        </details>
      </td>
    </tr>
  );
}

export function EventTimeline({ slug, timeline }: { slug: string; timeline: Timeline }) {
  return (
    <Section
      id="events"
      title="Event timeline"
      description="What the profile's hosts reported, newest first."
      actions={timeline.types.length > 0 ? <TypeFilter slug={slug} timeline={timeline} /> : undefined}
    >
      {timeline.rows.length === 0 ? (
        <EmptyState title={timeline.type ? `No ${timeline.type} events` : "No events yet"}>
          {timeline.type ? null : "Events appear here once a host bound to this profile sends them."}
        </EmptyState>
      ) : (
        <>
          <ScrollArea label="Events table" className="overflow-x-auto">
            <table className="min-w-full text-left text-sm">
              <caption className="sr-only">Events</caption>
              <TableHead columns={["Time", "Type", "Host", "Trace", "Attributes"]} variant="boxed" className="border-b border-slate-200" />
              <tbody className="divide-y divide-slate-100">
                {timeline.rows.map((e) => (
                  <EventRow key={e.id} event={e} />
                ))}
              </tbody>
            </table>
          </ScrollArea>
          <Pagination
            page={timeline.page}
            pageCount={timeline.pageCount}
            total={timeline.total}
            noun="event"
            hrefFor={(page) => timelineHref(slug, timeline.type, page)}
          />
        </>
      )}
    </Section>
  );
}
