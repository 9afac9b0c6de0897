/**
 * Ordering a trace's timeline by when each thing happened. An audit entry is
 * appended when it is recorded, which can be later than what it records: a
 * job submitted with a back-dated time (the demo's history), an approval
 * window that closed before anyone read the job, a host event sent late.
 * Items sort by the time they happened; ties keep the causal order request →
 * decision → votes and other entries → resolution, then the audit sequence.
 * Pure.
 */
export type TimelineKind = "request" | "decision" | "vote" | "resolution" | "ingest" | "entry";

export interface TimelinePoint {
  kind: TimelineKind;
  /** When it happened. */
  time: Date;
  /** When the audit log (or ingest) recorded it, when that is known. */
  recordedAt: Date | null;
  seq: number | null;
}

const RANK: Record<TimelineKind, number> = { request: 0, decision: 1, vote: 2, entry: 2, ingest: 2, resolution: 3 };

/** Two times this close are "the same" for display (a write takes a few milliseconds). */
export const SAME_TIME_MS = 1000;

export function compareTimeline(a: TimelinePoint, b: TimelinePoint): number {
  return (
    a.time.getTime() - b.time.getTime() ||
    RANK[a.kind] - RANK[b.kind] ||
    (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER) ||
    (a.recordedAt?.getTime() ?? 0) - (b.recordedAt?.getTime() ?? 0)
  );
}

/** A sorted copy. */
export function orderTimeline<T extends TimelinePoint>(items: readonly T[]): T[] {
  return [...items].sort(compareTimeline);
}

/** Whether an item's recorded time is worth showing beside when it happened. */
export function recordedLater(item: Pick<TimelinePoint, "time" | "recordedAt">): boolean {
  return item.recordedAt !== null && Math.abs(item.recordedAt.getTime() - item.time.getTime()) >= SAME_TIME_MS;
}

/** True when every item is at or after the one before it (what "in order" promises). */
export function isChronological(items: readonly Pick<TimelinePoint, "time">[]): boolean {
  return items.every((item, i) => i === 0 || items[i - 1]!.time.getTime() <= item.time.getTime());
}
