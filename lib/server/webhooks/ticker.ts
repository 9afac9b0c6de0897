import "server-only";
/**
 * When deliveries run: `kickWebhooks()` right after a submission commits
 * (fire and forget: its outcome never reaches the submitter), and a periodic
 * tick in every replica that started it, which retries what failed once its
 * backoff has passed. Overlapping runs in one process are skipped; runs in
 * different replicas are safe (rows are claimed with SKIP LOCKED).
 */
import { database } from "@/lib/db";
import { env } from "@/lib/env";
import { deliverDue } from "./outbox";

export const TICK_MS = 5_000;

const state = globalThis as unknown as {
  __cellgateWebhookTimer?: ReturnType<typeof setInterval>;
  __cellgateWebhookRunning?: boolean;
  __cellgateWebhookAgain?: boolean;
};

async function runOnce(): Promise<void> {
  if (state.__cellgateWebhookRunning) {
    state.__cellgateWebhookAgain = true; // the running pass goes round once more
    return;
  }
  state.__cellgateWebhookRunning = true;
  try {
    const db = await database();
    // Drain: keep going while full batches come back (a backlog) or a kick arrived meanwhile.
    for (let round = 0; round < 10; round++) {
      state.__cellgateWebhookAgain = false;
      const results = await deliverDue(db.sql);
      for (const r of results) {
        if (!r.ok) console.warn(`[webhooks] ${r.id} attempt ${r.attempt} failed (${r.error}); ${r.status === "failed" ? "giving up" : "will retry"}`);
      }
      if (results.length < 20 && !state.__cellgateWebhookAgain) break;
    }
  } finally {
    state.__cellgateWebhookRunning = false;
  }
}

/** Attempt due deliveries now, without waiting for the result. Never throws. */
export function kickWebhooks(): void {
  void runOnce().catch((error: unknown) => console.warn(`[webhooks] delivery run failed: ${(error as Error).message}`));
}

/** Starts the periodic retry tick in this process (idempotent; only when a webhook URL is configured). */
export function startWebhookTicker(intervalMs = TICK_MS): void {
  if (state.__cellgateWebhookTimer || !env().CELLGATE_WEBHOOK_URL) return;
  state.__cellgateWebhookTimer = setInterval(kickWebhooks, intervalMs);
  state.__cellgateWebhookTimer.unref?.();
}

export function stopWebhookTicker(): void {
  if (state.__cellgateWebhookTimer) clearInterval(state.__cellgateWebhookTimer);
  state.__cellgateWebhookTimer = undefined;
}
