import { formatTime } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import type { JobDetail, JobVoteView } from "@/lib/server/approvals/job-detail";
import { ReceiptRef } from "./receipt-links";
import { VoteForm, type VoteAction, type VoteChallenge } from "./vote-form";

const AFTER: Record<string, string> = {
  APPROVED: "The job is approved.",
  REJECTED: "The job is denied.",
  EXPIRED: "The job expired before it was decided.",
};

/** "You approved this job at … — receipt rcpt_… (audit #N)", and what became of the job. */
export function YourVote({ job, vote }: { job: JobDetail; vote: JobVoteView }) {
  const waiting = job.approvalsNeeded - job.approvals;
  const after =
    AFTER[job.status] ??
    (job.status === "PENDING_APPROVAL" ? `The job still needs ${waiting} more approval${waiting === 1 ? "" : "s"}.` : "");
  return (
    <div role="status" data-testid="your-vote" className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-950">
      <p>
        <span className="font-medium">
          You {vote.vote === "approve" ? "approved" : "denied"} this job at {formatTime(vote.createdAt)}
        </span>{" "}
        — <ReceiptRef id={vote.receiptId} auditSeq={vote.auditSeq} auditLinked={job.mayOpenAudit} />. {after}
      </p>
    </div>
  );
}

/**
 * The reader's decision: the form when the server would take their vote
 * (Approve disabled, saying why, while a kill switch covers the job), their
 * own vote once cast, or why they cannot vote (job.standing, from the server).
 */
export function VotePanel({ job, action, challenge }: { job: JobDetail; action: VoteAction; challenge?: VoteChallenge }) {
  const { standing } = job;
  let body;
  if (standing.mine) body = <YourVote job={job} vote={standing.mine} />;
  else if (standing.open) body = (
      <VoteForm jobId={job.id} jobHash={job.jobHash} action={action} approveBlocked={standing.approveBlocked} passkey={job.passkey} challenge={challenge} />
    );
  else if (job.integrity.problems.length > 0) {
    body = (
      <p className="text-sm font-medium text-rose-800" data-testid="vote-refused-integrity">
        {standing.reason}
      </p>
    );
  } else {
    body = (
      <p className="text-sm text-slate-700" data-testid="vote-unavailable">
        {standing.reason}
      </p>
    );
  }
  return (
    <Section id="vote" title="Your decision">
      {body}
    </Section>
  );
}
