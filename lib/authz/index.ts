/**
 * The one authorization module. Permissions are data; roles map to
 * permissions; `can` adds the attribute rules (tenant membership,
 * never-own-request). Every server action and route declares its permission
 * and is checked here; hiding a button is never the check.
 */
export const ROLES = ["viewer", "operator", "approver", "auditor", "tenant_admin"] as const;
export type TenantRole = (typeof ROLES)[number];

export const PERMISSIONS = [
  "registry.read",
  "job.approve",
  "killswitch.scoped",
  "killswitch.global",
  "audit.read",
  "packet.export",
  "registry.write",
  "job.read",
  "policy.write",
  "metrics.read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const PERMISSION_LABELS: Record<Permission, string> = {
  "registry.read": "read the registry and dashboards",
  "job.approve": "approve or deny a job",
  "killswitch.scoped": "engage or release a profile, capability or tenant kill switch",
  "killswitch.global": "engage or release the global kill switch",
  "audit.read": "read the audit log",
  "packet.export": "export an evidence packet",
  "registry.write": "register hosts and keys, sync the registry",
  "job.read": "read jobs and the approval queue",
  "policy.write": "apply a policy",
  "metrics.read": "read the fleet-wide Prometheus metrics",
};

/** DESIGN.md "Who may do what", tenant-scoped roles. */
export const ROLE_PERMISSIONS: Record<TenantRole, readonly Permission[]> = {
  viewer: ["registry.read"],
  operator: ["registry.read", "registry.write"],
  approver: ["registry.read", "job.approve", "job.read"],
  auditor: ["registry.read", "audit.read", "packet.export", "job.read"],
  tenant_admin: ["registry.read", "killswitch.scoped", "audit.read", "registry.write", "job.read", "policy.write"],
};

/**
 * Platform admins act on every tenant and on the platform scope, but do not
 * approve jobs: approval stays with the tenant's approvers.
 */
export const PLATFORM_ADMIN_PERMISSIONS: readonly Permission[] = [
  "registry.read",
  "killswitch.scoped",
  "killswitch.global",
  "audit.read",
  "packet.export",
  "registry.write",
  "job.read",
  "policy.write",
  "metrics.read",
];

/** Permissions that only exist at platform scope. */
const PLATFORM_SCOPE_ONLY: ReadonlySet<Permission> = new Set(["killswitch.global", "metrics.read"]);

export const ROLE_LABELS: Record<TenantRole | "platform_admin", string> = {
  viewer: "Viewer",
  operator: "Operator",
  approver: "Approver",
  auditor: "Auditor",
  tenant_admin: "Tenant admin",
  platform_admin: "Platform admin",
};

export interface Membership {
  tenantId: string;
  role: TenantRole;
}

export interface Actor {
  userId: string;
  /** Other identities of the same person (e.g. linked OIDC accounts). */
  identityIds?: readonly string[];
  platformAdmin: boolean;
  memberships: readonly Membership[];
}

export interface Resource {
  /** Tenant the resource belongs to; null for platform-scoped resources. */
  tenantId: string | null;
  /** For jobs: the user ids behind the request (never approvable by them). */
  requesterIds?: readonly string[];
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: Decision = { allowed: true };

export function isRole(value: string): value is TenantRole {
  return (ROLES as readonly string[]).includes(value);
}

export function rolePermits(role: string, permission: Permission): boolean {
  return isRole(role) && ROLE_PERMISSIONS[role].includes(permission);
}

export function authorize(actor: Actor | null, permission: Permission, resource: Resource): Decision {
  if (!actor) return { allowed: false, reason: "not signed in" };
  if (!(PERMISSIONS as readonly string[]).includes(permission)) {
    return { allowed: false, reason: `unknown permission ${permission}` };
  }

  let granted: boolean;
  if (actor.platformAdmin) {
    granted = PLATFORM_ADMIN_PERMISSIONS.includes(permission);
  } else if (resource.tenantId === null || PLATFORM_SCOPE_ONLY.has(permission)) {
    granted = false;
  } else {
    granted = actor.memberships.some(
      (m) => m.tenantId === resource.tenantId && rolePermits(m.role, permission),
    );
  }
  if (!granted) {
    return { allowed: false, reason: `you may not ${PERMISSION_LABELS[permission]} here` };
  }

  if (permission === "job.approve" && resource.requesterIds?.length) {
    const mine = new Set([actor.userId, ...(actor.identityIds ?? [])]);
    if (resource.requesterIds.some((id) => mine.has(id))) {
      return { allowed: false, reason: "you cannot approve your own request" };
    }
  }
  return ALLOWED;
}

export function can(actor: Actor | null, permission: Permission, resource: Resource): boolean {
  return authorize(actor, permission, resource).allowed;
}

/** Tenants whose data the actor may read; "all" for platform admins. */
export function readableTenantIds(actor: Actor): readonly string[] | "all" {
  if (actor.platformAdmin) return "all";
  return [...new Set(actor.memberships.filter((m) => rolePermits(m.role, "registry.read")).map((m) => m.tenantId))];
}

/** Tenants in which the actor holds `permission` ("all" for platform admins who hold it). */
export function tenantsWith(actor: Actor, permission: Permission): readonly string[] | "all" {
  if (actor.platformAdmin) return PLATFORM_ADMIN_PERMISSIONS.includes(permission) ? "all" : [];
  return [...new Set(actor.memberships.filter((m) => rolePermits(m.role, permission)).map((m) => m.tenantId))];
}

/** True when the actor holds the permission in at least one tenant (for showing a control at all). */
export function holdsAnywhere(actor: Actor, permission: Permission): boolean {
  const tenants = tenantsWith(actor, permission);
  return tenants === "all" || tenants.length > 0;
}
