/**
 * CELLGATE_OIDC_GROUP_MAP: which identity-provider groups grant which
 * Cellgate roles. Format: comma-separated `group=tenant:role` entries, e.g.
 * "cg-acme-approvers=acme:approver,cg-platform-admins=*:platform_admin".
 * `tenant` is a tenant slug; `*:platform_admin` makes the user a platform
 * admin. A group may appear in several entries; a group name may contain
 * "=" (we split on the last one) but not "," (the entry separator).
 * Pure (unit-tested).
 */
import { isRole, type TenantRole } from "@/lib/authz";

export type GroupGrant = { kind: "tenant"; tenantSlug: string; role: TenantRole } | { kind: "platform_admin" };

export type GroupMap = ReadonlyMap<string, readonly GroupGrant[]>;

export class GroupMapError extends Error {
  constructor(message: string) {
    super(`CELLGATE_OIDC_GROUP_MAP: ${message}`);
    this.name = "GroupMapError";
  }
}

export function parseGroupMap(text: string): GroupMap {
  const map = new Map<string, GroupGrant[]>();
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const eq = entry.lastIndexOf("=");
    if (eq <= 0) throw new GroupMapError(`"${entry}" is not group=tenant:role`);
    const group = entry.slice(0, eq).trim();
    const target = entry.slice(eq + 1).trim();
    const colon = target.indexOf(":");
    if (!group || colon <= 0) throw new GroupMapError(`"${entry}" is not group=tenant:role`);
    const tenant = target.slice(0, colon).trim();
    const role = target.slice(colon + 1).trim();
    let grant: GroupGrant;
    if (role === "platform_admin") {
      if (tenant !== "*") throw new GroupMapError(`"${entry}": platform_admin must be written as *:platform_admin`);
      grant = { kind: "platform_admin" };
    } else if (tenant === "*") {
      throw new GroupMapError(`"${entry}": "*" is only valid with platform_admin`);
    } else if (!isRole(role)) {
      throw new GroupMapError(
        `"${entry}": unknown role "${role}" (viewer, operator, approver, auditor, tenant_admin, platform_admin)`,
      );
    } else if (!/^[a-z0-9][a-z0-9-]*$/.test(tenant)) {
      throw new GroupMapError(`"${entry}": "${tenant}" is not a tenant slug`);
    } else {
      grant = { kind: "tenant", tenantSlug: tenant, role };
    }
    const list = map.get(group) ?? [];
    if (!list.some((g) => sameGrant(g, grant))) list.push(grant);
    map.set(group, list);
  }
  return map;
}

export interface Entitlements {
  platformAdmin: boolean;
  /** Unique (tenant slug, role) pairs. */
  roles: { tenantSlug: string; role: TenantRole }[];
  /** The user's groups that granted something. */
  matchedGroups: string[];
}

export function entitlementsFor(groups: readonly string[], map: GroupMap): Entitlements {
  let platformAdmin = false;
  const roles = new Map<string, { tenantSlug: string; role: TenantRole }>();
  const matchedGroups: string[] = [];
  for (const group of new Set(groups)) {
    const grants = map.get(group);
    if (!grants) continue;
    matchedGroups.push(group);
    for (const g of grants) {
      if (g.kind === "platform_admin") platformAdmin = true;
      else roles.set(`${g.tenantSlug}:${g.role}`, { tenantSlug: g.tenantSlug, role: g.role });
    }
  }
  return { platformAdmin, roles: [...roles.values()], matchedGroups: matchedGroups.sort() };
}

/** Group names from a token claim: an array of strings, or one string. */
export function groupsFromClaim(value: unknown): string[] {
  if (typeof value === "string") return value ? [value] : [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string" && v.length > 0);
  return [];
}

function sameGrant(a: GroupGrant, b: GroupGrant): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === "platform_admin" || (b.kind === "tenant" && a.tenantSlug === b.tenantSlug && a.role === b.role);
}
