/**
 * The one authorization module. Permissions are rows of data
 * (./permissions.ts); `authorize` applies a row to an actor and a resource,
 * with its attribute rules (tenant membership, never-own-request, a token's
 * bounds, read-only "view as"). `scopeFor` says which tenants an actor may
 * act on with a permission, and ./where.ts turns that into a WHERE clause for
 * each dialect, so no query spells "all tenants or these" by hand.
 */
import {
  PERMISSION_TABLE,
  ROLE_LABELS,
  isPermission,
  isRole,
  rolePermits,
  tokenCarries,
  type Permission,
  type PermissionRow,
  type TenantRole,
} from "./permissions";

export * from "./permissions";

export interface Membership {
  tenantId: string;
  role: TenantRole;
}

/** What an API token may do: its tenant (null = platform scope) and the permissions it carries. */
export interface TokenLimit {
  tenantId: string | null;
  permissions: readonly Permission[];
}

export interface Actor {
  userId: string;
  /** Other identities of the same person (e.g. linked OIDC accounts). */
  identityIds?: readonly string[];
  platformAdmin: boolean;
  memberships: readonly Membership[];
  /** Set while a platform admin views the console as one tenant role: read-only. */
  viewAs?: { tenantId: string; role: TenantRole } | null;
  /** The person behind the session is a platform admin (also while viewing as). */
  isPlatformAdminUser?: boolean;
  /** Set when the request came with an API token: never more than this. */
  limit?: TokenLimit | null;
}

export interface Resource {
  /** Tenant the resource belongs to; null for platform-scoped resources. */
  tenantId: string | null;
  /** Further scopes the same action touches (a registry plan spanning tenants); each is checked too. */
  touches?: readonly Touch[];
  /** For jobs: the user ids behind the request (never approvable by them). */
  requesterIds?: readonly string[];
  /** For tokens: the permissions being granted (each must be held by the actor here). */
  grants?: readonly Permission[];
}

/** One more scope an action touches: a tenant (or null, the platform), and how to name it in a refusal. */
export interface Touch {
  tenantId: string | null;
  label: string;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

export const VIEW_AS_READ_ONLY =
  "you are viewing as another role, which is read-only. Stop viewing as to make changes";

export function authorize(actor: Actor | null, permission: Permission, resource: Resource): Decision {
  if (!actor) return deny("not signed in");
  if (!isPermission(permission)) return deny(`unknown permission ${String(permission)}`);
  const row = PERMISSION_TABLE[permission];
  if (row.everyone) return ALLOWED;

  if (row.write && actor.viewAs) return deny(VIEW_AS_READ_ONLY);
  if (actor.limit && (!row.viaToken || !tokenCarries(actor.limit.permissions, permission))) {
    return deny(`this API token does not carry the permission ${permission} (${row.label})`);
  }
  const who = actor.limit ? "this API token" : "you";
  for (const touch of resource.touches ?? []) {
    if (!holds(actor, permission, row, touch.tenantId)) return deny(`${who} may not ${row.label} in ${touch.label}`);
  }
  if (!holds(actor, permission, row, resource.tenantId)) {
    const adminsOnly = row.platformAdmin === "real-user" || row.scope === "platform";
    if (adminsOnly && !actor.limit) return deny(`only platform admins may ${row.label}`);
    return deny(actor.limit ? `${who} may not ${row.label} here` : roleRefusal(actor, row, resource.tenantId));
  }

  if (row.rule === "not-own-request" && resource.requesterIds?.length) {
    const mine = new Set([actor.userId, ...(actor.identityIds ?? [])]);
    if (resource.requesterIds.some((id) => mine.has(id))) return deny("you cannot approve your own request");
  }
  if (row.rule === "grants-held") {
    for (const granted of resource.grants ?? []) {
      const grantedRow = PERMISSION_TABLE[granted];
      if (!grantedRow?.viaToken) return deny(`an API token cannot carry ${granted}`);
      if (!holds(actor, granted, grantedRow, resource.tenantId)) {
        return deny(`you do not hold ${granted} (${grantedRow.label}) here, so no token of yours can`);
      }
    }
  }
  return ALLOWED;
}

/** Role names as a reader says them: "approvers", "operators or tenant admins". */
function rolesSaid(roles: readonly TenantRole[]): string {
  const plural = roles.map((r) => `${ROLE_LABELS[r].toLowerCase()}s`);
  return plural.length <= 1 ? (plural[0] ?? "") : `${plural.slice(0, -1).join(", ")} or ${plural.at(-1)}`;
}

/**
 * "You may not … here", naming what the actor is here and who may, when that
 * is what stands in the way: a platform admin on a permission that stays with
 * the tenant's roles, or a member of the tenant whose role does not carry it.
 */
function roleRefusal(actor: Actor, row: PermissionRow, tenantId: string | null): string {
  const generic = `you may not ${row.label} here`;
  if (row.roles.length === 0) return generic;
  if (actor.platformAdmin && row.platformAdmin === "no") return `platform admins may not ${row.label} here; only the tenant's ${rolesSaid(row.roles)} may`;
  const held = tenantId === null ? [] : actor.memberships.filter((m) => m.tenantId === tenantId && isRole(m.role)).map((m) => m.role);
  if (held.length === 0) return generic;
  const as = [...new Set(held)].map((r) => ROLE_LABELS[r].toLowerCase()).join(", ");
  return `${generic} as ${/^[aeiou]/.test(as) ? "an" : "a"} ${as}; only ${rolesSaid(row.roles)} may`;
}

export function can(actor: Actor | null, permission: Permission, resource: Resource): boolean {
  return authorize(actor, permission, resource).allowed;
}

/** Does the actor hold the permission on this one scope (tenant id, or null for the platform)? */
function holds(actor: Actor, permission: Permission, row: PermissionRow, tenantId: string | null): boolean {
  const limitTenant = actor.limit?.tenantId ?? null;
  if (row.platformAdmin === "real-user") return actor.isPlatformAdminUser === true && !actor.limit;
  if (actor.platformAdmin) {
    if (row.platformAdmin !== "everywhere") return false;
    if (limitTenant === null) return true;
    return tenantId === limitTenant || (tenantId === null && row.scope === "anywhere");
  }
  if (row.scope === "platform") return false;
  const memberships = limitTenant === null ? actor.memberships : actor.memberships.filter((m) => m.tenantId === limitTenant);
  if (tenantId === null) return row.scope === "anywhere" && memberships.some((m) => rolePermits(m.role, permission));
  return memberships.some((m) => m.tenantId === tenantId && rolePermits(m.role, permission));
}

// ---------------------------------------------------------------------------
// Scoping: which tenants' rows an actor may touch with a permission.

/** Every tenant, or exactly these (an empty list matches nothing). */
export type TenantScope = { readonly all: true } | { readonly all: false; readonly tenantIds: readonly string[] };

export const ALL_TENANTS: TenantScope = Object.freeze({ all: true });
export const NO_TENANTS: TenantScope = Object.freeze({ all: false, tenantIds: Object.freeze([]) as readonly string[] });

export function scopeFor(actor: Actor | null, permission: Permission): TenantScope {
  if (!actor || !isPermission(permission)) return NO_TENANTS;
  const row = PERMISSION_TABLE[permission];
  if (actor.limit && (!row.viaToken || !tokenCarries(actor.limit.permissions, permission))) return NO_TENANTS;
  const limitTenant = actor.limit?.tenantId ?? null;
  if (actor.platformAdmin) {
    if (row.platformAdmin !== "everywhere") return NO_TENANTS;
    return limitTenant === null ? ALL_TENANTS : { all: false, tenantIds: [limitTenant] };
  }
  if (row.scope === "platform") return NO_TENANTS;
  const ids = actor.memberships
    .filter((m) => (limitTenant === null || m.tenantId === limitTenant) && rolePermits(m.role, permission))
    .map((m) => m.tenantId);
  return { all: false, tenantIds: [...new Set(ids)] };
}

/** True when the scope covers this tenant (null: the platform scope, only covered by "all"). */
export function inScope(scope: TenantScope, tenantId: string | null): boolean {
  if (scope.all) return true;
  return tenantId !== null && scope.tenantIds.includes(tenantId);
}

/** True when the scope covers no tenant at all. */
export function isEmptyScope(scope: TenantScope): boolean {
  return !scope.all && scope.tenantIds.length === 0;
}

/** The members of `items` (tenants, by `id`) the scope covers, in their order. */
export function withinScope<T extends { id: string }>(scope: TenantScope, items: readonly T[]): T[] {
  return scope.all ? [...items] : items.filter((t) => scope.tenantIds.includes(t.id));
}

/** True when `outer` covers every tenant of a non-empty `inner` (e.g. audit links for a dashboard's scope). */
export function coversScope(outer: TenantScope, inner: TenantScope): boolean {
  if (outer.all) return true;
  return !inner.all && inner.tenantIds.length > 0 && inner.tenantIds.every((id) => outer.tenantIds.includes(id));
}

/** True when the actor holds the permission in at least one tenant (for showing a control or page at all). */
export function holdsAnywhere(actor: Actor, permission: Permission): boolean {
  return !isEmptyScope(scopeFor(actor, permission));
}
