import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { JobDecision, JobProfileContext, JobRequest, JobVotes } from "@/components/approvals/job-context";
import { JobPayload } from "@/components/approvals/job-payload";
import { JobStatusBadge } from "@/components/approvals/job-status";
import { VoteForm } from "@/components/approvals/vote-form";
import { Section } from "@/components/ui/section";
import { mayRun } from "@/lib/server/action";
import { getJobDetail, type JobDetail } from "@/lib/server/approvals/job-detail";
import { voteOnJobAction as voteOnJob } from "@/lib/server/approvals/vote";
import { requireActor, type SessionActor } from "@/lib/server/session";
import { voteOnJobAction } from "./actions";
import { HiddenCharsBadge } from "@/components/ui/agent-text";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Job ${decodeURIComponent(id)}` };
}

/** Why there is (or is not) a vote form: shown only when the server would take the vote. */
function VotePanel({ job, actor }: { job: JobDetail; actor: SessionActor }) {
  const mine = new Set([actor.userId, ...(actor.identityIds ?? [])]);
  const myVote = job.votes.find((v) => mine.has(v.userId));
  const allowed = mayRun(voteOnJob, actor, { tenantId: job.tenant.id, requesterIds: job.requesterIds });
  let body;
  if (job.integrity.problems.length > 0) {
    body = (
      <p className="text-sm font-medium text-rose-800" data-testid="vote-refused-integrity">
        No vote can be taken: this job failed its integrity check (see the alarm above).
      </p>
    );
  } else if (job.status !== "PENDING_APPROVAL") {
    body = <p className="text-sm text-slate-600">This job is no longer pending; it can no longer be approved or denied.</p>;
  } else if (myVote) {
    body = <p className="text-sm text-slate-600">You already voted to {myVote.vote} this job.</p>;
  } else if (allowed) {
    body = <VoteForm jobId={job.id} jobHash={job.jobHash} action={voteOnJobAction} />;
  } else if (job.requesterIds.some((id) => mine.has(id))) {
    body = <p className="text-sm text-slate-600">This job was requested on your behalf, so someone else must decide it.</p>;
  } else {
    return null;
  }
  return (
    <Section id="vote" title="Your decision">
      {body}
    </Section>
  );
}

export default async function JobPage({ params }: Props) {
  const actor = await requireActor();
  const id = decodeURIComponent((await params).id);
  const job = await getJobDetail(actor, id);
  if (!job) notFound();
  const now = new Date();

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/approvals" className="hover:text-slate-900 hover:underline">
          Approvals
        </Link>{" "}
        / <span aria-current="page" className="font-mono">{job.id}</span>
      </nav>
      <div className="mb-5 flex flex-wrap items-center gap-3">
        <h1 className="break-all font-mono text-lg font-semibold tracking-tight text-slate-900">{job.topic}</h1>
        <span data-testid="job-status">
          <JobStatusBadge status={job.status} />
        </span>
        <span className="text-sm text-slate-500">{job.tenant.name}</span>
        {job.hiddenChars ? <HiddenCharsBadge /> : null}
      </div>
      <div className="grid gap-4 lg:grid-cols-5">
        <div className="space-y-4 lg:col-span-3">
          <JobPayload job={job} />
          <VotePanel job={job} actor={actor} />
          <JobVotes job={job} />
        </div>
        <div className="space-y-4 lg:col-span-2">
          <JobRequest job={job} now={now} />
          <JobDecision job={job} />
          <JobProfileContext job={job} now={now} />
        </div>
      </div>
    </>
  );
}
