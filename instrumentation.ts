/**
 * Next.js start-up hook: every replica runs the webhook retry tick from boot
 * (not only after it first serves a job submission), so notifications left
 * pending by a replica that stopped are still delivered, the audit
 * checkpointer (any replica may take a checkpoint; a tick is a no-op when
 * another replica checkpointed within the interval), and the budget checker
 * (any replica may check; each alert is recorded once across replicas).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ startWebhookTicker }, { startCheckpointer }, { startBudgetChecker }] = await Promise.all([
    import("@/lib/server/webhooks/ticker"),
    import("@/lib/server/checkpoints"),
    import("@/lib/server/budgets/ticker"),
  ]);
  startWebhookTicker();
  startCheckpointer();
  startBudgetChecker();
}
