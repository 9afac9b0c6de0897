/**
 * The audit sequencer's figures after a benchmark run, scraped from the
 * console's own /api/metrics (the bench starts the console with
 * BENCH_METRICS_TOKEN): seal lag quantiles (leaf written → sealed, over the
 * last leaves the scraped process sealed), leaves still pending, and the age
 * of the oldest.
 */
export const BENCH_METRICS_TOKEN = "bench-metrics-token-0123456789abcdef";

/** Env for a benchmarked console so its metrics can be read. */
export function metricsEnv(): Record<string, string> {
  return { CELLGATE_METRICS_TOKEN: BENCH_METRICS_TOKEN };
}

function sample(text: string, name: string, labels = ""): number | null {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : null;
}

/** One line: "audit seal lag p50 … p99 … max … s; pending …" (each console process scraped once, worst of them). */
export async function reportSealLag(baseUrl: string, scrapes = 1): Promise<void> {
  const seen: Array<{ p50: number | null; p99: number | null; max: number | null; pending: number | null; oldest: number | null; sealed: number | null }> = [];
  for (let i = 0; i < scrapes; i++) {
    const res = await fetch(`${baseUrl}/api/metrics`, { headers: { Authorization: `Bearer ${BENCH_METRICS_TOKEN}` } });
    if (!res.ok) {
      console.log(`  audit seal lag: /api/metrics answered ${res.status}`);
      return;
    }
    const text = await res.text();
    seen.push({
      p50: sample(text, "cellgate_audit_seal_lag_seconds", `{quantile="0.5"}`),
      p99: sample(text, "cellgate_audit_seal_lag_seconds", `{quantile="0.99"}`),
      max: sample(text, "cellgate_audit_seal_lag_seconds", `{quantile="1"}`),
      pending: sample(text, "cellgate_audit_leaves_pending"),
      oldest: sample(text, "cellgate_audit_oldest_pending_seconds"),
      sealed: sample(text, "cellgate_audit_leaves_sealed_total"),
    });
  }
  const worst = (k: keyof (typeof seen)[number]) => Math.max(...seen.map((s) => s[k] ?? 0));
  const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;
  console.log(
    `  audit seal lag (leaf written → sealed, last ≤4096 leaves of the scraped process): p50 ${ms(worst("p50"))}, p99 ${ms(worst("p99"))} (target ≤ 2 s), max ${ms(worst("max"))}; ` +
      `sealed by it ${worst("sealed")}; pending at the end ${worst("pending")} (oldest ${ms(worst("oldest"))})`,
  );
}
