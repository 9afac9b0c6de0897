import { Section } from "@/components/ui/section";
import type { JobDetail } from "@/lib/server/approvals/job-detail";

/** The canonical JSON exactly as hashed: only line breaks and indentation are added for reading. */
export function JobPayload({ job }: { job: JobDetail }) {
  return (
    <Section
      id="payload"
      title="What the agent asks to run"
      description="RFC 8785 canonical JSON exactly as hashed (line breaks and indentation added for reading). Your vote binds to this hash."
    >
      <dl className="mb-3 text-sm">
        <dt className="text-xs font-medium text-slate-500">Job hash</dt>
        <dd className="break-all font-mono text-xs text-slate-900" data-testid="job-hash">
          {job.jobHash}
        </dd>
      </dl>
      <pre
        aria-label="Canonical job payload"
        data-testid="job-canonical"
        className="max-h-[32rem] overflow-auto rounded-md bg-slate-950 p-3 font-mono text-xs leading-relaxed text-slate-100"
      >
        {job.pretty}
      </pre>
      <details className="mt-2 text-xs text-slate-600">
        <summary className="cursor-pointer">Canonical text as stored (one line, the exact bytes hashed)</summary>
        <pre className="mt-1 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-100 p-2 font-mono">{job.canonical}</pre>
      </details>
    </Section>
  );
}
