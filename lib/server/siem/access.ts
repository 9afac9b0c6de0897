import "server-only";
/**
 * Who may see the SIEM export's status (/siem): whoever may read the
 * fleet-wide metrics (`metrics.read` on the platform scope: platform admins),
 * since the page shows the same figures as /api/metrics.
 */
import { inScope, scopeFor, type Actor } from "@/lib/authz";

export function mayReadSiemStatus(actor: Actor | null): boolean {
  return inScope(scopeFor(actor, "metrics.read"), null);
}
