import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { JobDecision, JobProfileContext, JobRequest, JobVotes } from "@/components/approvals/job-context";
import { JobPayload } from "@/components/approvals/job-payload";
import { JobStatusBadge } from "@/components/approvals/job-status";
import { JobKillSwitches } from "@/components/approvals/job-switches";
import { VotePanel } from "@/components/approvals/vote-panel";
import { getJobDetail } from "@/lib/server/approvals/job-detail";
import { requireActor } from "@/lib/server/session";
import { voteChallengeAction, voteOnJobAction } from "./actions";
import { HiddenCharsBadge } from "@/components/ui/agent-text";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Job ${decodeURIComponent(id)}` };
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
      <JobKillSwitches switches={job.killSwitches} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-5">
        <div className="min-w-0 space-y-4 lg:col-span-3">
          <JobPayload job={job} />
          <VotePanel job={job} action={voteOnJobAction} challenge={voteChallengeAction} />
          <JobVotes job={job} />
        </div>
        <div className="min-w-0 space-y-4 lg:col-span-2">
          <JobRequest job={job} now={now} />
          <JobDecision job={job} />
          <JobProfileContext job={job} now={now} />
        </div>
      </div>
    </>
  );
}
