import Link from "next/link";
import { ScrollArea } from "@/components/ui/scroll-area";
import { AgentText, HiddenCharsBadge } from "@/components/ui/agent-text";
import { formatTime } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import type { JobDetail } from "@/lib/server/approvals/job-detail";

/**
 * The integrity alarm shown instead of the payload when the stored request no
 * longer matches its hash: the approver is not shown what it "means", because
 * it is not what was hashed and answered to the host.
 */
export function IntegrityAlarm({ job }: { job: JobDetail }) {
  const { problems, alarm } = job.integrity;
  return (
    <section
      role="alert"
      aria-labelledby="integrity-heading"
      data-testid="integrity-alarm"
      className="rounded-lg border-2 border-rose-600 bg-rose-50 px-4 py-3 text-sm text-rose-950 shadow-sm"
    >
      <h2 id="integrity-heading" className="text-base font-semibold">
        Integrity alarm: this job is not what was hashed
      </h2>
      <p className="mt-1">
        The stored request no longer matches the job hash {job.jobHash} that the host was answered. Its contents are not shown, and no
        vote can be taken on it. Treat the database as tampered with and investigate.
      </p>
      <ul className="mt-2 list-disc space-y-0.5 pl-5" aria-label="Integrity problems">
        {problems.map((p) => (
          <li key={p.check + p.message}>{p.message}</li>
        ))}
      </ul>
      {alarm ? (
        <p className="mt-2 text-xs">
          Alarm recorded {formatTime(alarm.detectedAt)} (noticed by {alarm.noticedBy}):{" "}
          {alarm.auditSeq !== null ? (
            <Link href={`/audit/${alarm.auditSeq}`} className="font-medium underline">
              audit entry #{alarm.auditSeq}
            </Link>
          ) : (
            "audit entry pending seal"
          )}
          .
        </p>
      ) : null}
    </section>
  );
}

/** The canonical JSON exactly as hashed: only line breaks and indentation are added for reading. */
export function JobPayload({ job }: { job: JobDetail }) {
  if (job.integrity.problems.length > 0) return <IntegrityAlarm job={job} />;
  return (
    <Section
      id="payload"
      title="What the agent asks to run"
      description="RFC 8785 canonical JSON exactly as hashed (line breaks and indentation added for reading). Your vote binds to this hash."
    >
      {job.hiddenChars ? (
        <p className="mb-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-xs text-amber-950">
          <HiddenCharsBadge />{" "}
          <span className="mt-1 block">
            Each one is shown as a highlighted ⟨U+XXXX⟩ marker where it stands. Read the request with them in mind: they can make text
            read differently from what it is (“Trojan Source”).
          </span>
        </p>
      ) : null}
      {job.integrity.alarm ? (
        <p className="mb-3 rounded-md border border-rose-300 bg-rose-50 px-3 py-2 text-xs text-rose-900">
          An integrity alarm was recorded for this job {formatTime(job.integrity.alarm.detectedAt)} (
          {job.integrity.alarm.auditSeq !== null ? (
            <Link href={`/audit/${job.integrity.alarm.auditSeq}`} className="underline">
              audit entry #{job.integrity.alarm.auditSeq}
            </Link>
          ) : (
            "audit entry pending seal"
          )}
          ); the stored request matches its hash again now.
        </p>
      ) : null}
      <dl className="mb-3 text-sm">
        <dt className="text-xs font-medium text-slate-500">Job hash</dt>
        <dd className="break-all font-mono text-xs text-slate-900" data-testid="job-hash">
          {job.jobHash}
        </dd>
      </dl>
      <ScrollArea
        as="pre"
        label="Canonical job payload"
        testId="job-canonical"
        className="max-h-[32rem] overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100"
      >
        <AgentText text={job.pretty} />
      </ScrollArea>
      <details className="mt-2 text-xs text-slate-600">
        <summary className="cursor-pointer">Canonical text as stored (one line, the exact bytes hashed)</summary>
        <pre className="mt-1 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 font-mono">
          <AgentText text={job.canonical} />
        </pre>
      </details>
    </Section>
  );
}
