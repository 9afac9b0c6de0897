import "server-only";
/**
 * Demo policies for a freshly seeded database: the platform document, then
 * one per demo tenant, applied through the same plan/authorize/apply path as
 * `cellgate policy apply --apply`, as the given (platform admin) user. A demo
 * document that is refused is a bug: the seed fails loudly.
 */
import type { Tx } from "@/lib/db";
import { DEMO_PLATFORM_POLICY, DEMO_TENANT_POLICIES } from "@/lib/domain/policy";
import { refusalReason, seedPolicyVersion } from "./apply";

export interface SeededPolicy {
  scope: string;
  version: number;
  receiptId: string;
}

export async function seedDemoPolicies(tx: Tx, actorUserId: string): Promise<SeededPolicy[]> {
  const seeded: SeededPolicy[] = [];
  const documents = [
    { name: "platform", source: DEMO_PLATFORM_POLICY },
    ...Object.entries(DEMO_TENANT_POLICIES).map(([tenant, source]) => ({ name: `tenant ${tenant}`, source })),
  ];
  for (const { name, source } of documents) {
    const { plan, applied } = await seedPolicyVersion(tx, source, { type: "user", id: actorUserId }, "demo-seed");
    if (!applied) {
      if (plan.unchanged) continue;
      const details = [...plan.problems, ...plan.tests.filter((t) => !t.passed).map((t) => `test ${t.name}: ${t.message}`), ...plan.widening.map((w) => w.message)];
      throw new Error(`demo ${name} policy was refused (${refusalReason(plan) ?? "nothing to apply"}): ${details.join("; ")}`);
    }
    seeded.push({ scope: plan.scope!.label, version: applied.version, receiptId: applied.receipt.id });
  }
  return seeded;
}
