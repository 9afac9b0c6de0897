import Link from "next/link";
import type { ReactNode } from "react";
import { formatTime, shortHash, timeAgo } from "@/components/ui/format";
import { Section } from "@/components/ui/section";
import { HealthBadge, TierBadge, ringLabel } from "@/components/ui/status";
import { RECENT_DENY_DAYS, type JobDetail } from "@/lib/server/approvals/job-detail";
import { JobStatusBadge, timeLeft } from "./job-status";
import { AgentText } from "@/components/ui/agent-text";
import { AuditLink, ReceiptLink, ReceiptRef } from "./receipt-links";

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-2 py-1">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="col-span-2 break-words text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export function JobRequest({ job, now }: { job: JobDetail; now: Date }) {
  return (
    <Section id="request" title="Request">
      <dl className="divide-y divide-slate-100">
        <Fact label="Requester">{job.requester ? <AgentText text={job.requester} /> : <span className="text-slate-500">not given (no requester label)</span>}</Fact>
        <Fact label="Host">
          <span className="font-mono text-xs">{job.hostId}</span> <span className="text-xs text-slate-500">key {job.keyId}</span>
        </Fact>
        <Fact label="Asked">
          {formatTime(job.createdAt)} <span className="text-xs text-slate-500">({timeAgo(job.createdAt, now)})</span>
        </Fact>
        {job.expiresAt ? (
          <Fact label="Expires">
            {formatTime(job.expiresAt)}{" "}
            {job.status === "PENDING_APPROVAL" ? <span className="text-xs text-amber-700">({timeLeft(job.expiresAt, now)})</span> : null}
          </Fact>
        ) : null}
        {job.resolvedAt ? <Fact label="Resolved">{formatTime(job.resolvedAt)}</Fact> : null}
        <Fact label="Risk tags">{job.riskTags.length ? job.riskTags.join(", ") : "none"}</Fact>
        {job.consoleTags.length ? (
          <Fact label="Added by the console">
            <span className="font-mono text-xs">{job.consoleTags.join(", ")}</span>
          </Fact>
        ) : null}
        <Fact label="Trace">
          <span className="font-mono text-xs">{job.traceId}</span>
        </Fact>
        <Fact label="Receipt">
          <span className="text-xs">
            <ReceiptLink id={job.receiptId} />
            {job.receiptAuditSeq !== null ? (
              <>
                {" "}
                (<AuditLink seq={job.receiptAuditSeq} linked={job.mayOpenAudit} />)
              </>
            ) : null}
          </span>
        </Fact>
      </dl>
    </Section>
  );
}

export function JobDecision({ job }: { job: JobDetail }) {
  const d = job.decision;
  return (
    <Section id="decision" title="Decision record">
      {d ? (
        <dl className="divide-y divide-slate-100">
          <Fact label="Decision">
            <span className="font-mono text-xs font-semibold">{d.decision}</span>
          </Fact>
          {d.decision === "REQUIRE_APPROVAL" ? (
            <Fact label="Since">
              <span data-testid="decision-outcome">
                <DecisionOutcome job={job} />
              </span>
            </Fact>
          ) : null}
          <Fact label="Reason">
            <AgentText text={d.reason} />
          </Fact>
          <Fact label="Rules">
            <span className="font-mono text-xs">{d.ruleIds.join(", ") || "—"}</span>
          </Fact>
          <Fact label="Approvals needed">{job.approvalsNeeded}</Fact>
          {d.ttlSec ? <Fact label="Time to live">{d.ttlSec} s</Fact> : null}
          {d.constraints ? (
            <Fact label="Constraints">
              <code className="font-mono text-xs">{JSON.stringify(d.constraints)}</code>
            </Fact>
          ) : null}
          <Fact label="Policy hash">
            <span className="font-mono text-xs" title={d.policyHash}>{shortHash(d.policyHash, 16)}</span>
          </Fact>
          <Fact label="Input hash">
            <span className="font-mono text-xs" title={d.inputHash}>{shortHash(d.inputHash, 16)}</span>
            {d.inputHash === job.jobHash ? <span className="ml-1 text-xs text-emerald-700">matches the job hash</span> : null}
          </Fact>
          <Fact label="Decided">{formatTime(d.createdAt)}</Fact>
        </dl>
      ) : (
        <p className="text-sm text-slate-500">No decision record is stored for this job.</p>
      )}
    </Section>
  );
}

/** What became of a job policy held for approval: still waiting, approved, denied or expired, when and by whom. */
function DecisionOutcome({ job }: { job: JobDetail }) {
  const by = (vote: "approve" | "deny") => job.votes.filter((v) => v.vote === vote).map((v) => v.voter).join(", ");
  switch (job.status) {
    case "APPROVED":
      return (
        <>
          <JobStatusBadge status="APPROVED" /> at {formatTime(job.resolvedAt)}
          {by("approve") ? ` by ${by("approve")}` : ""} ({job.approvals} of {job.approvalsNeeded} approvals)
        </>
      );
    case "REJECTED":
      return (
        <>
          <JobStatusBadge status="REJECTED" /> at {formatTime(job.resolvedAt)}
          {by("deny") ? ` by ${by("deny")}` : " without a vote (the request was voided)"}
        </>
      );
    case "EXPIRED":
      return (
        <>
          <JobStatusBadge status="EXPIRED" /> at {formatTime(job.resolvedAt ?? job.expiresAt)} without a decision
        </>
      );
    default:
      return (
        <>
          Waiting for approval ({job.approvals} of {job.approvalsNeeded})
        </>
      );
  }
}

export function JobProfileContext({ job, now }: { job: JobDetail; now: Date }) {
  const p = job.profile;
  return (
    <Section id="profile" title="Profile">
      <dl className="divide-y divide-slate-100">
        <Fact label="Profile">
          <Link href={`/profiles/${encodeURIComponent(p.slug)}`} className="font-mono text-xs text-indigo-700 hover:underline">
            {p.slug}
          </Link>
        </Fact>
        <Fact label="Ring">
          {p.ring} · {ringLabel(p.ring)}
        </Fact>
        <Fact label="Tier">
          <TierBadge tier={p.tier} />
        </Fact>
        <Fact label="Health">
          <HealthBadge health={p.health} />
        </Fact>
        <Fact label={`Denies, last ${RECENT_DENY_DAYS} days`}>{job.recentDenies.total}</Fact>
      </dl>
      {job.recentDenies.rows.length ? (
        <ul className="mt-2 space-y-1 text-xs" aria-label="Recent denies">
          {job.recentDenies.rows.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-2">
              <JobStatusBadge status={r.status} />
              <Link href={`/approvals/${encodeURIComponent(r.id)}`} className="font-mono text-indigo-700 hover:underline">
                {r.topic}
              </Link>
              <span className="text-slate-500">{timeAgo(r.createdAt, now)}</span>
              {r.reason ? (
                <span className="text-slate-600">
                  — <AgentText text={r.reason} />
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </Section>
  );
}

export function JobVotes({ job }: { job: JobDetail }) {
  return (
    <Section id="votes" title={`Votes (${job.approvals} of ${job.approvalsNeeded} approvals)`}>
      {job.votes.length === 0 ? (
        <p className="text-sm text-slate-500">No votes yet.</p>
      ) : (
        <ul className="space-y-2" aria-label="Votes">
          {job.votes.map((v) => (
            <li key={v.receiptId} className="rounded-md border border-slate-100 p-2 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <span className={v.vote === "approve" ? "font-medium text-emerald-700" : "font-medium text-rose-700"}>
                  {v.vote === "approve" ? "Approved" : "Denied"}
                </span>{" "}
                <span>by {v.voter}</span>{" "}
                <span className="text-xs text-slate-600">at {formatTime(v.createdAt)}</span>{" "}
                <span className="text-xs text-slate-600">
                  — <ReceiptRef id={v.receiptId} auditSeq={v.auditSeq} auditLinked={job.mayOpenAudit} />
                </span>
              </div>
              <p className="mt-1 whitespace-pre-wrap text-slate-700">
                <AgentText text={v.note} />
              </p>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
