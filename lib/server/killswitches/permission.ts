import "server-only";
import { authorize, type Actor, type Decision } from "@/lib/authz";

/** Engaging or releasing at a scope: global (tenantId null) needs killswitch.global, the rest killswitch.scoped on their tenant. */
export function killSwitchDecision(actor: Actor, tenantId: string | null): Decision {
  return tenantId === null
    ? authorize(actor, "killswitch.global", { tenantId: null })
    : authorize(actor, "killswitch.scoped", { tenantId });
}
