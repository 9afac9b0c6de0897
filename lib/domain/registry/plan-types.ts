/**
 * The registry plan: what a sync (or a host command) would change, as data.
 * Planning is pure (lib/domain/registry/plan.ts, host-plan.ts); applying is
 * lib/server/registry. The same shape is printed, serialized with --json and
 * stored (summarised) in the receipt.
 */
import type { TierName } from "../tiers";
import type { ProfileSpec, TenantSpec, ToolSpec } from "./manifest-schema";

export interface TenantState {
  id: string;
  slug: string;
  name: string;
}

export interface ProfileState {
  id: string;
  slug: string;
  tenantSlug: string;
  owner: string;
  ring: number;
  tier: TierName;
  unit: string;
  artifactDigest: string;
  rollbackEndpoint: string;
  rollbackManifestDigest: string;
  evidencePath: string;
  tools: ToolSpec[];
  deniedTools: string[];
  egress: string[];
  secretRefs: string[];
}

export interface KeyState {
  id: string;
  hostId: string;
  publicKey: string;
  status: "active" | "revoked";
}

export interface HostState {
  id: string;
  /** Bound profiles with their tenants. */
  profiles: { slug: string; tenantSlug: string }[];
  keys: KeyState[];
}

/**
 * The slice of the database a plan needs: the tenants, profiles, hosts and
 * keys the manifest names, plus the other profiles of the named tenants.
 */
export interface RegistryState {
  tenants: TenantState[];
  profiles: ProfileState[];
  hosts: HostState[];
  /** Keys looked up by id, on any host. */
  keys: KeyState[];
}

export type FieldDiff =
  | { field: string; kind: "set"; from: string; to: string }
  | { field: string; kind: "list"; added: string[]; removed: string[]; changed?: string[] };

/** Tenants (slugs) a change touches; "platform" when only a platform admin may make it. */
export type ChangeScope = string[] | "platform";

export type Change =
  | { op: "create-tenant"; scope: ChangeScope; tenant: TenantSpec }
  | { op: "update-tenant"; scope: ChangeScope; slug: string; diffs: FieldDiff[]; tenant: TenantSpec }
  | { op: "create-profile"; scope: ChangeScope; profile: ProfileSpec }
  | { op: "update-profile"; scope: ChangeScope; slug: string; diffs: FieldDiff[]; profile: ProfileSpec }
  | { op: "create-host"; scope: ChangeScope; hostId: string }
  | { op: "bind"; scope: ChangeScope; hostId: string; profile: string }
  | { op: "unbind"; scope: ChangeScope; hostId: string; profile: string }
  | { op: "add-key"; scope: ChangeScope; hostId: string; keyId: string; publicKey: string; status: "active" | "revoked" }
  | { op: "revoke-key"; scope: ChangeScope; hostId: string; keyId: string; reason: string };

export interface RegistryPlan {
  changes: Change[];
  unchanged: { tenants: string[]; profiles: string[]; hosts: string[]; keys: string[] };
  /** In the database but not in the manifest: the registry is not authoritative for deletion. */
  kept: { profiles: string[]; keys: string[] };
  /** Conflicts that make the plan impossible to apply. */
  problems: string[];
}

export function emptyPlan(): RegistryPlan {
  return {
    changes: [],
    unchanged: { tenants: [], profiles: [], hosts: [], keys: [] },
    kept: { profiles: [], keys: [] },
    problems: [],
  };
}

/** Who must be authorized: the tenants touched, and whether platform scope is needed. */
export function planScope(plan: RegistryPlan): { tenants: string[]; platform: boolean } {
  const tenants = new Set<string>();
  let platform = false;
  for (const change of plan.changes) {
    if (change.scope === "platform") platform = true;
    else for (const t of change.scope) tenants.add(t);
  }
  return { tenants: [...tenants].sort(), platform };
}
