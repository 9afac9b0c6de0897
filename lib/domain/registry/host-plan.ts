/**
 * Plans for `cellgate host add | rotate | revoke`: the same plan shape as a
 * registry sync, so they print, authorize and apply the same way.
 */
import { ed25519KeyProblem, HOST_ID_PATTERN } from "./manifest-schema";
import { emptyPlan, type ChangeScope, type HostState, type RegistryPlan, type RegistryState } from "./plan-types";

export interface HostAddInput {
  hostId: string;
  profiles: string[];
  keyId: string;
  publicKey: string;
}

export interface HostRotateInput {
  hostId: string;
  keyId: string;
  publicKey: string;
  revokeOld: boolean;
}

export interface HostRevokeInput {
  hostId: string;
  keyId: string;
  reason: string;
}

function hostScope(host: HostState | undefined, extra: string[] = []): ChangeScope {
  const tenants = new Set([...(host?.profiles ?? []).map((p) => p.tenantSlug), ...extra]);
  return tenants.size > 0 ? [...tenants].sort() : "platform";
}

function checkNewKey(plan: RegistryPlan, state: RegistryState, keyId: string, publicKey: string): void {
  if (!HOST_ID_PATTERN.test(keyId)) plan.problems.push(`key id ${JSON.stringify(keyId)} must be letters, digits, '.', '_' or '-'`);
  const problem = ed25519KeyProblem(publicKey);
  if (problem) plan.problems.push(`public key ${problem}`);
  const existing = state.keys.find((k) => k.id === keyId);
  if (existing) plan.problems.push(`key id ${keyId} is already registered (host ${existing.hostId}); key ids are never reused`);
}

export function planHostAdd(input: HostAddInput, state: RegistryState): RegistryPlan {
  const plan = emptyPlan();
  if (!HOST_ID_PATTERN.test(input.hostId)) plan.problems.push(`host id ${JSON.stringify(input.hostId)} must be letters, digits, '.', '_' or '-'`);
  if (state.hosts.some((h) => h.id === input.hostId)) {
    plan.problems.push(`host ${input.hostId} already exists; use \`cellgate host rotate\` to add a key`);
  }
  if (input.profiles.length === 0) plan.problems.push("a host needs at least one --profile");
  const tenants: string[] = [];
  for (const slug of new Set(input.profiles)) {
    const profile = state.profiles.find((p) => p.slug === slug);
    if (!profile) plan.problems.push(`profile ${slug} does not exist`);
    else tenants.push(profile.tenantSlug);
  }
  checkNewKey(plan, state, input.keyId, input.publicKey);
  if (plan.problems.length > 0) return plan;
  const scope = hostScope(undefined, tenants);
  plan.changes.push({ op: "create-host", scope, hostId: input.hostId });
  for (const slug of new Set(input.profiles)) plan.changes.push({ op: "bind", scope, hostId: input.hostId, profile: slug });
  plan.changes.push({ op: "add-key", scope, hostId: input.hostId, keyId: input.keyId, publicKey: input.publicKey, status: "active" });
  return plan;
}

export function planHostRotate(input: HostRotateInput, state: RegistryState): RegistryPlan {
  const plan = emptyPlan();
  const host = state.hosts.find((h) => h.id === input.hostId);
  if (!host) plan.problems.push(`host ${input.hostId} does not exist; use \`cellgate host add\``);
  checkNewKey(plan, state, input.keyId, input.publicKey);
  if (plan.problems.length > 0 || !host) return plan;
  const scope = hostScope(host);
  plan.changes.push({ op: "add-key", scope, hostId: host.id, keyId: input.keyId, publicKey: input.publicKey, status: "active" });
  for (const key of host.keys) {
    if (key.status !== "active") continue;
    if (input.revokeOld) {
      plan.changes.push({ op: "revoke-key", scope, hostId: host.id, keyId: key.id, reason: `rotated to ${input.keyId}` });
    } else plan.unchanged.keys.push(key.id);
  }
  return plan;
}

export function planHostRevoke(input: HostRevokeInput, state: RegistryState): RegistryPlan {
  const plan = emptyPlan();
  const host = state.hosts.find((h) => h.id === input.hostId);
  const key = host?.keys.find((k) => k.id === input.keyId);
  if (!host) plan.problems.push(`host ${input.hostId} does not exist`);
  else if (!key) plan.problems.push(`host ${input.hostId} has no key ${input.keyId}`);
  else if (key.status === "revoked") plan.problems.push(`key ${input.keyId} is already revoked`);
  if (!input.reason.trim()) plan.problems.push("a --reason is required");
  if (plan.problems.length > 0 || !host || !key) return plan;
  plan.changes.push({ op: "revoke-key", scope: hostScope(host), hostId: host.id, keyId: key.id, reason: input.reason.trim() });
  return plan;
}
