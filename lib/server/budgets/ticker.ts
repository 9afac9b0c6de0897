import "server-only";
/**
 * Runs the budget checker every CELLGATE_BUDGET_CHECK_SEC seconds in every
 * replica that starts it (instrumentation.ts). Replicas never double-fire:
 * the checker inserts each alert once (see checker.ts). Overlapping ticks in
 * one process are skipped; a failed tick is logged and the next one retries.
 */
import { database } from "@/lib/db";
import { env } from "@/lib/env";
import { kickWebhooks } from "@/lib/server/webhooks/ticker";
import { checkBudgets } from "./checker";

const state = globalThis as unknown as {
  __cellgateBudgetTimer?: ReturnType<typeof setInterval>;
  __cellgateBudgetFirst?: ReturnType<typeof setTimeout>;
  __cellgateBudgetRunning?: boolean;
};

/** One tick. Never throws. */
export async function budgetTick(): Promise<void> {
  if (state.__cellgateBudgetRunning) return;
  state.__cellgateBudgetRunning = true;
  try {
    const fired = await checkBudgets(await database());
    for (const alert of fired) {
      console.info(`[budgets] ${alert.scopeKey} reached ${alert.threshold} % of its monthly budget (${alert.spendUsd} of ${alert.budgetUsd} USD)`);
    }
    if (fired.some((a) => a.webhookId)) kickWebhooks();
  } catch (error) {
    console.warn(`[budgets] budget check failed: ${(error as Error).message}`);
  } finally {
    state.__cellgateBudgetRunning = false;
  }
}

/** Starts the periodic checker in this process (idempotent); the first check runs shortly after start. */
export function startBudgetChecker(): void {
  if (state.__cellgateBudgetTimer) return;
  const intervalMs = env().CELLGATE_BUDGET_CHECK_SEC * 1000;
  state.__cellgateBudgetFirst = setTimeout(() => void budgetTick(), Math.min(5_000, intervalMs));
  state.__cellgateBudgetFirst.unref?.();
  state.__cellgateBudgetTimer = setInterval(() => void budgetTick(), intervalMs);
  state.__cellgateBudgetTimer.unref?.();
}

export function stopBudgetChecker(): void {
  if (state.__cellgateBudgetFirst) clearTimeout(state.__cellgateBudgetFirst);
  if (state.__cellgateBudgetTimer) clearInterval(state.__cellgateBudgetTimer);
  state.__cellgateBudgetFirst = undefined;
  state.__cellgateBudgetTimer = undefined;
}
