/**
 * Next.js start-up hook: every replica runs the webhook retry tick from boot
 * (not only after it first serves a job submission), so notifications left
 * pending by a replica that stopped are still delivered, the audit
 * checkpointer (any replica may take a checkpoint; a tick is a no-op when
 * another replica checkpointed within the interval), the budget checker
 * (any replica may check; each alert is recorded once across replicas), and
 * the audit sequencer's tick (seals leaves no writer waited for; one replica
 * at a time by advisory lock), and the SIEM export (each configured sink
 * delivers the audit log on from its cursor; one replica at a time per sink;
 * a malformed CELLGATE_SIEM_* setting stops start-up naming the variable).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ startWebhookTicker }, { startCheckpointer }, { startBudgetChecker }, { startAuditSequencer }, { startSiemExport }, { database }] = await Promise.all([
    import("@/lib/server/webhooks/ticker"),
    import("@/lib/server/checkpoints"),
    import("@/lib/server/budgets/ticker"),
    import("@/lib/server/audit-sequencer"),
    import("@/lib/server/siem/ticker"),
    import("@/lib/db"),
  ]);
  startWebhookTicker();
  startCheckpointer();
  startBudgetChecker();
  startAuditSequencer(database);
  startSiemExport(database);
}
