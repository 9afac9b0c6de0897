import "server-only";
/**
 * The SIEM export's background loop, started from instrumentation.ts beside
 * the audit sequencer: every CELLGATE_SIEM_TICK_MS each configured sink
 * drains what is due (./deliver.ts). Every replica may run it; the cursor
 * row's lease lets one deliver per sink at a time. A tick still running in
 * this process is not started twice. State lives on globalThis: Next.js may
 * load this module more than once in a process.
 */
import { env } from "@/lib/env";
import type { RawSql } from "@/lib/sql";
import { drainSink, ensureCursor } from "./deliver";
import { sinksFromEnv, type Sink } from "./sinks";

interface ExportState {
  timer?: ReturnType<typeof setInterval>;
  sinks: Sink[];
  running: Set<string>;
  ensured: boolean;
}

const g = globalThis as unknown as { __cellgateSiemExport?: ExportState };

/** One tick for every sink. Never throws: failures are recorded on the cursor and logged. */
export async function siemTick(sql: RawSql, sinks: readonly Sink[], options: { batch?: number; now?: Date } = {}): Promise<void> {
  const state = (g.__cellgateSiemExport ??= { sinks: [], running: new Set(), ensured: false });
  await Promise.all(
    sinks.map(async (sink) => {
      if (state.running.has(sink.name)) return;
      state.running.add(sink.name);
      try {
        const outcomes = await drainSink(sql, sink, options);
        const last = outcomes[outcomes.length - 1];
        if (last?.status === "failed") console.warn(`[siem] ${sink.name} (${sink.target}): ${last.error}; next attempt at ${last.retryAt.toISOString()}`);
      } catch (error) {
        console.warn(`[siem] ${sink.name} delivery failed: ${(error as Error).message}`);
      } finally {
        state.running.delete(sink.name);
      }
    }),
  );
}

/**
 * Starts the export in this process (idempotent; nothing when no sink is
 * configured). A malformed setting throws here, at start-up, naming the
 * variable (lib/env.ts for the forms, sinksFromEnv for secrets and files).
 */
export function startSiemExport(open: () => Promise<{ sql: RawSql }>): void {
  const state = (g.__cellgateSiemExport ??= { sinks: [], running: new Set(), ensured: false });
  if (state.timer) return;
  const e = env();
  const sinks = sinksFromEnv(e);
  if (sinks.length === 0) return;
  state.sinks = sinks;
  state.timer = setInterval(() => {
    void open().then(async (database) => {
      if (!state.ensured) {
        for (const sink of sinks) await ensureCursor(database.sql, sink);
        state.ensured = true;
      }
      await siemTick(database.sql, sinks, { batch: e.CELLGATE_SIEM_BATCH });
    }).catch((error: unknown) => console.warn(`[siem] tick failed: ${(error as Error).message}`));
  }, e.CELLGATE_SIEM_TICK_MS);
  state.timer.unref?.();
  console.log(`[siem] exporting the audit log to ${sinks.map((s) => `${s.name} ${s.target}`).join(", ")}`);
}

/** Stops the loop (tests). */
export async function stopSiemExport(): Promise<void> {
  const state = g.__cellgateSiemExport;
  if (!state) return;
  if (state.timer) clearInterval(state.timer);
  state.timer = undefined;
  state.ensured = false;
  await Promise.all(state.sinks.map((s) => s.close?.().catch(() => undefined)));
  state.sinks = [];
}
