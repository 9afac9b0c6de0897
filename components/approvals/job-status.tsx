import { Badge, type Tone } from "@/components/ui/badge";
import type { JobStatus } from "@/lib/domain/jobs";

const STATUS: Record<JobStatus, { label: string; tone: Tone }> = {
  PENDING_APPROVAL: { label: "Pending approval", tone: "amber" },
  APPROVED: { label: "Approved", tone: "green" },
  REJECTED: { label: "Rejected", tone: "red" },
  EXPIRED: { label: "Expired", tone: "slate" },
  ALLOWED: { label: "Allowed", tone: "green" },
  DENIED: { label: "Denied", tone: "red" },
  THROTTLED: { label: "Throttled", tone: "amber" },
};

export function JobStatusBadge({ status }: { status: JobStatus }) {
  const { label, tone } = STATUS[status];
  return <Badge tone={tone}>{label}</Badge>;
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
