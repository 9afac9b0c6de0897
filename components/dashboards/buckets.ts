import type { RangeName } from "@/lib/domain/dashboards/range";

/** Short axis label of a bucket (UTC): time of day for hour and day, date and hour for week, date for month. */
export function bucketTick(bucket: string, range: RangeName): string {
  const iso = new Date(bucket).toISOString();
  if (range === "hour" || range === "day") return iso.slice(11, 16);
  if (range === "week") return `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`;
  return iso.slice(5, 10);
}

/** Full label of a bucket for tooltips and tables: "2026-11-20 11:00 UTC". */
export function bucketLabel(bucket: string): string {
  return `${new Date(bucket).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
