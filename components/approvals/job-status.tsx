import { Badge, type Tone } from "@/components/ui/badge";
import { JOB_STATUS_LABELS } from "@/lib/domain/approvals";
import type { JobStatus } from "@/lib/domain/jobs";

/** The console's words for job statuses (lib/domain/approvals: Approve/Approved, Deny/Denied). */
export { JOB_STATUS_LABELS };

const TONE: Record<JobStatus, Tone> = {
  PENDING_APPROVAL: "amber",
  APPROVED: "green",
  REJECTED: "red",
  EXPIRED: "slate",
  ALLOWED: "green",
  DENIED: "red",
  THROTTLED: "amber",
};

export function JobStatusBadge({ status }: { status: JobStatus }) {
  return <Badge tone={TONE[status]}>{JOB_STATUS_LABELS[status]}</Badge>;
}

/** "12 min left", "3 h left", or "expired" — for a pending job's expiry. */
export function timeLeft(expiresAt: Date | null, now: Date): string {
  if (!expiresAt) return "no expiry";
  const seconds = Math.floor((expiresAt.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return "expired";
  if (seconds < 60) return `${seconds}s left`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h left`;
  return `${Math.floor(hours / 24)} days left`;
}
