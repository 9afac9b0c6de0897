import type { SiemStatus } from "@/lib/server/siem/status";

const SINK_LABELS: Record<string, string> = { webhook: "Webhook", syslog: "Syslog", otlp: "OTLP logs" };

function when(date: Date | null): string {
  return date ? new Date(date).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "never";
}

function lag(seconds: number): string {
  if (seconds < 1) return "0 s";
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** One row per sink: read-only. */
export function SiemSinksTable({ status }: { status: SiemStatus }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">SIEM sinks</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Sink</th>
            <th scope="col" className="px-4 py-2">Cursor</th>
            <th scope="col" className="px-4 py-2">Behind</th>
            <th scope="col" className="px-4 py-2">Delivered</th>
            <th scope="col" className="px-4 py-2">Failures</th>
            <th scope="col" className="px-4 py-2">Last delivery</th>
            <th scope="col" className="px-4 py-2">Last error</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {status.sinks.map(({ sink, target, configured, cursor }) => (
            <tr key={sink} data-sink={sink} className="align-top">
              <th scope="row" className="px-4 py-2 text-left font-medium text-slate-900">
                {SINK_LABELS[sink] ?? sink}
                <span className="block break-all font-mono text-xs font-normal text-slate-500">{target}</span>
                {!configured ? <span className="mt-1 inline-block rounded bg-slate-100 px-1.5 text-xs text-slate-600">off (not configured)</span> : null}
              </th>
              {cursor ? (
                <>
                  <td className="px-4 py-2">
                    entry {cursor.seq.toLocaleString("en-US")}
                    <span className="block font-mono text-xs text-slate-500" title={cursor.hash}>{cursor.hash.slice(0, 12)}…</span>
                  </td>
                  <td className="px-4 py-2">
                    {cursor.behind.toLocaleString("en-US")} entr{cursor.behind === 1 ? "y" : "ies"}
                    <span className="block text-xs text-slate-500">{lag(cursor.secondsBehind)} behind</span>
                  </td>
                  <td className="px-4 py-2">{cursor.delivered.toLocaleString("en-US")}</td>
                  <td className="px-4 py-2">
                    {cursor.failures.toLocaleString("en-US")}
                    {cursor.consecutiveFailures > 0 ? (
                      <span className="block text-xs text-amber-800">{cursor.consecutiveFailures} in a row; next attempt {when(cursor.nextAttemptAt)}</span>
                    ) : null}
                  </td>
                  <td className="px-4 py-2 whitespace-nowrap">{when(cursor.lastDeliveredAt)}</td>
                  <td className="px-4 py-2">
                    {cursor.lastError ? (
                      <>
                        <span className="break-words text-rose-800">{cursor.lastError}</span>
                        <span className="block text-xs text-slate-500">{when(cursor.lastErrorAt)}</span>
                      </>
                    ) : (
                      "none"
                    )}
                  </td>
                </>
              ) : (
                <td colSpan={6} className="px-4 py-2 text-slate-600">Not started yet: the export creates this sink&apos;s cursor on its first tick.</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
