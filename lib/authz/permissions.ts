/**
 * The permission table: every permission is one row of data saying who holds
 * it, at which scope, whether it changes anything, and which attribute rule
 * applies on top. `authorize` (./index.ts) reads only this table; no caller
 * spells a rule of its own.
 */
export const ROLES = ["viewer", "operator", "approver", "auditor", "tenant_admin"] as const;
export type TenantRole = (typeof ROLES)[number];

export const PERMISSIONS = [
  "registry.read",
  "job.read",
  "job.approve",
  "killswitch.write",
  "audit.read",
  "audit.verify",
  "audit.checkpoint",
  "audit.witness",
  "packet.export",
  "registry.write",
  "canary.promote",
  "canary.rollback",
  "policy.write",
  "metrics.read",
  "token.manage",
  "token.revoke",
  "token.service",
  "session.view_as",
  "session.whoami",
  "passkey.manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Extra rules a row adds on top of "holds the role in the resource's tenant". */
export type AttributeRule =
  /** The resource's requesters (any identity of the actor among them) may not approve it. */
  | "not-own-request"
  /** Every permission in `resource.grants` must itself be held by the actor on the resource (tokens). */
  | "grants-held";

export interface PermissionRow {
  /** Fits "you may not … here". */
  label: string;
  /** Tenant roles that hold it in their own tenant. */
  roles: readonly TenantRole[];
  /**
   * Platform admins: "everywhere" (every tenant and the platform scope),
   * "real-user" (the person behind a session, even while viewing as another
   * role), or "no" (approving stays with the tenant's approvers).
   */
  platformAdmin: "everywhere" | "real-user" | "no";
  /**
   * Where the permission applies. "tenant": on a tenant's resources (platform
   * resources, tenantId null, need a platform admin). "platform": only on the
   * platform scope (platform admins). "anywhere": a platform-wide read that
   * anyone holding the role in some tenant may make (the chain check the
   * audit panel already shows every auditor).
   */
  scope: "tenant" | "platform" | "anywhere";
  /** Writes are refused while a platform admin is viewing as another role (read-only). */
  write: boolean;
  /** False: only through a console session, never with an API token. */
  viaToken: boolean;
  rule?: AttributeRule;
  /** Held by anyone signed in, and by every valid API token, whatever else they hold. */
  everyone?: true;
  /** A token carrying this permission also carries these (writing a tenant's registry includes reading it). */
  implies?: readonly Permission[];
}

export const PERMISSION_TABLE: Readonly<Record<Permission, PermissionRow>> = {
  "registry.read": {
    label: "read the registry and dashboards",
    roles: ["viewer", "operator", "approver", "auditor", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: false,
    viaToken: true,
  },
  "job.read": {
    label: "read jobs and the approval queue",
    roles: ["approver", "auditor", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: false,
    viaToken: true,
    implies: ["registry.read"],
  },
  "job.approve": {
    label: "approve or deny a job",
    roles: ["approver"],
    platformAdmin: "no",
    scope: "tenant",
    write: true,
    viaToken: false,
    rule: "not-own-request",
  },
  "killswitch.write": {
    label: "engage or release this kill switch",
    roles: ["tenant_admin"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: true,
    viaToken: false,
  },
  "audit.read": {
    label: "read the audit log",
    roles: ["auditor", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: false,
    viaToken: true,
    implies: ["registry.read"],
  },
  "audit.verify": {
    label: "verify the audit chain and read its signed checkpoints",
    roles: ["auditor", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "anywhere",
    write: false,
    viaToken: true,
  },
  "audit.checkpoint": {
    label: "take a signed checkpoint of the audit log",
    roles: [],
    platformAdmin: "everywhere",
    scope: "platform",
    write: true,
    viaToken: true,
  },
  "passkey.manage": {
    label: "register and remove your own passkeys",
    roles: ["approver", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "anywhere",
    write: true,
    viaToken: false,
  },
  "audit.witness": {
    label: "cosign the audit log's checkpoints as a witness",
    roles: ["auditor"],
    platformAdmin: "everywhere",
    scope: "anywhere",
    write: true,
    viaToken: true,
  },
  "packet.export": {
    label: "export an evidence packet",
    roles: ["auditor"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: true,
    viaToken: true,
    implies: ["registry.read"],
  },
  "registry.write": {
    label: "register hosts and keys, sync the registry",
    roles: ["operator", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: true,
    viaToken: true,
    implies: ["registry.read"],
  },
  "canary.promote": {
    label: "request a canary promotion",
    roles: ["operator", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: true,
    viaToken: true,
    implies: ["registry.read"],
  },
  "canary.rollback": {
    label: "roll a profile back",
    roles: ["operator", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: true,
    viaToken: true,
    implies: ["registry.read"],
  },
  "policy.write": {
    label: "apply a policy",
    roles: ["tenant_admin"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: true,
    viaToken: true,
    implies: ["registry.read"],
  },
  "metrics.read": {
    label: "read the fleet-wide Prometheus metrics",
    roles: [],
    platformAdmin: "everywhere",
    scope: "platform",
    write: false,
    viaToken: true,
  },
  "token.manage": {
    label: "create or revoke your API tokens",
    roles: ["viewer", "operator", "approver", "auditor", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "tenant",
    write: true,
    viaToken: false,
    rule: "grants-held",
  },
  "token.revoke": {
    label: "revoke this API token",
    roles: ["viewer", "operator", "approver", "auditor", "tenant_admin"],
    platformAdmin: "everywhere",
    scope: "anywhere",
    write: true,
    viaToken: false,
  },
  "token.service": {
    label: "create service accounts and their tokens",
    roles: [],
    platformAdmin: "everywhere",
    scope: "platform",
    write: true,
    viaToken: false,
    rule: "grants-held",
  },
  "session.view_as": {
    label: "view the console as another role",
    roles: [],
    platformAdmin: "real-user",
    scope: "platform",
    write: false,
    viaToken: false,
  },
  "session.whoami": {
    label: "see who you are signed in as",
    roles: [],
    platformAdmin: "everywhere",
    scope: "anywhere",
    write: false,
    viaToken: true,
    everyone: true,
  },
};

/** Permissions an API token may carry (the rest need a console session). */
/** Does a token carrying `carried` hold `permission` (itself, or one it implies)? */
export function tokenCarries(carried: readonly Permission[], permission: Permission): boolean {
  return carried.includes(permission) || carried.some((c) => PERMISSION_TABLE[c]?.implies?.includes(permission));
}

/** Permissions a token may be given (the implicit ones every token has are not listed). */
export const TOKEN_PERMISSIONS: readonly Permission[] = PERMISSIONS.filter((p) => PERMISSION_TABLE[p].viaToken && !PERMISSION_TABLE[p].everyone);

export const PERMISSION_LABELS: Readonly<Record<Permission, string>> = Object.fromEntries(
  PERMISSIONS.map((p) => [p, PERMISSION_TABLE[p].label]),
) as Record<Permission, string>;

export const ROLE_LABELS: Record<TenantRole | "platform_admin", string> = {
  viewer: "Viewer",
  operator: "Operator",
  approver: "Approver",
  auditor: "Auditor",
  tenant_admin: "Tenant admin",
  platform_admin: "Platform admin",
};

export function isRole(value: string): value is TenantRole {
  return (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export function rolePermits(role: string, permission: Permission): boolean {
  return isRole(role) && isPermission(permission) && PERMISSION_TABLE[permission].roles.includes(role);
}
