/**
 * Next.js start-up hook: every replica runs the webhook retry tick from boot
 * (not only after it first serves a job submission), so notifications left
 * pending by a replica that stopped are still delivered.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startWebhookTicker } = await import("@/lib/server/webhooks/ticker");
  startWebhookTicker();
}
