import type { redactionFigures } from "../../lib/server/dashboards/safety-queries";

/** Redaction figures with their buckets in a fixed order (SQL returns them in any order; the dashboard makes them dense). */
export function sortedRedactions(figures: Awaited<ReturnType<typeof redactionFigures>>) {
  return { kinds: figures.kinds, buckets: figures.buckets.map((r) => `${r.bucket.toISOString()} ${r.key} ${r.value}`).sort() };
}
