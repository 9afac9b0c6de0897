import { describe, expect, it } from "vitest";
import {
  authorize,
  can,
  coversScope,
  holdsAnywhere,
  inScope,
  PERMISSIONS,
  ROLES,
  scopeFor,
  TOKEN_PERMISSIONS,
  withinScope,
  type Actor,
  type Permission,
  type TenantRole,
} from "./index";

const OWN = "tenant-own";
const OTHER = "tenant-other";

/**
 * DESIGN.md "Who may do what", transcribed by hand (not derived from the
 * module under test). Columns: own tenant, other tenant, platform scope.
 * Beyond that table: `metrics.read` (fleet-wide Prometheus figures) and
 * `audit.checkpoint` are platform data, so platform admins only;
 * `audit.verify` is the chain check every auditor's audit panel shows (held
 * in one's own tenant, and platform-wide for anyone holding it somewhere);
 * `audit.witness` (cosigning checkpoints, `cellgate witness`) likewise for
 * auditors, as the witness is run by another team than the console's;
 * anyone may manage their own API tokens where they hold a role; only the
 * real platform admin may view as another role; anyone may ask who they are.
 */
type Row = Record<Permission, [own: boolean, other: boolean, platform: boolean]>;
const NONE: [boolean, boolean, boolean] = [false, false, false];
const OWN_ONLY: [boolean, boolean, boolean] = [true, false, false];
const OWN_AND_PLATFORM: [boolean, boolean, boolean] = [true, false, true];
const EVERYWHERE: [boolean, boolean, boolean] = [true, true, true];

const MEMBER_BASE = {
  "registry.read": OWN_ONLY,
  "job.read": NONE,
  "job.approve": NONE,
  "killswitch.write": NONE,
  "audit.read": NONE,
  "audit.verify": NONE,
  "audit.checkpoint": NONE,
  "audit.witness": NONE,
  "packet.export": NONE,
  "registry.write": NONE,
  "canary.promote": NONE,
  "canary.rollback": NONE,
  "policy.write": NONE,
  "metrics.read": NONE,
  "token.manage": OWN_ONLY,
  "token.revoke": OWN_AND_PLATFORM,
  "token.service": NONE,
  "session.view_as": NONE,
  "session.whoami": EVERYWHERE,
  "passkey.manage": NONE,
} satisfies Row;

const EXPECTED: Record<TenantRole | "platform_admin", Row> = {
  viewer: { ...MEMBER_BASE },
  operator: { ...MEMBER_BASE, "registry.write": OWN_ONLY, "canary.promote": OWN_ONLY, "canary.rollback": OWN_ONLY },
  approver: { ...MEMBER_BASE, "job.approve": OWN_ONLY, "job.read": OWN_ONLY, "passkey.manage": OWN_AND_PLATFORM },
  auditor: { ...MEMBER_BASE, "audit.read": OWN_ONLY, "audit.verify": OWN_AND_PLATFORM, "audit.witness": OWN_AND_PLATFORM, "packet.export": OWN_ONLY, "job.read": OWN_ONLY },
  tenant_admin: {
    ...MEMBER_BASE,
    "killswitch.write": OWN_ONLY,
    "audit.read": OWN_ONLY,
    "audit.verify": OWN_AND_PLATFORM,
    "registry.write": OWN_ONLY,
    "canary.promote": OWN_ONLY,
    "canary.rollback": OWN_ONLY,
    "job.read": OWN_ONLY,
    "policy.write": OWN_ONLY,
    "passkey.manage": OWN_AND_PLATFORM,
  },
  platform_admin: {
    "registry.read": EVERYWHERE,
    "job.read": EVERYWHERE,
    "job.approve": NONE,
    "killswitch.write": EVERYWHERE,
    "audit.read": EVERYWHERE,
    "audit.verify": EVERYWHERE,
    "audit.checkpoint": EVERYWHERE,
    "audit.witness": EVERYWHERE,
    "packet.export": EVERYWHERE,
    "registry.write": EVERYWHERE,
    "canary.promote": EVERYWHERE,
    "canary.rollback": EVERYWHERE,
    "policy.write": EVERYWHERE,
    "metrics.read": EVERYWHERE,
    "token.manage": EVERYWHERE,
    "token.revoke": EVERYWHERE,
    "token.service": EVERYWHERE,
    "session.view_as": EVERYWHERE,
    "session.whoami": EVERYWHERE,
    "passkey.manage": EVERYWHERE,
  },
};

function actorFor(role: TenantRole | "platform_admin"): Actor {
  if (role === "platform_admin") return { userId: "u-admin", platformAdmin: true, isPlatformAdminUser: true, memberships: [] };
  return { userId: `u-${role}`, platformAdmin: false, memberships: [{ tenantId: OWN, role }] };
}

const SCOPES = [
  ["own tenant", OWN],
  ["other tenant", OTHER],
  ["platform", null],
] as const;

describe("authorization matrix (every role × permission × scope)", () => {
  for (const role of [...ROLES, "platform_admin"] as const) {
    for (const permission of PERMISSIONS) {
      SCOPES.forEach(([label, tenantId], column) => {
        const expected = EXPECTED[role][permission][column];
        it(`${role} ${expected ? "may" : "may not"} ${permission} (${label})`, () => {
          expect(can(actorFor(role), permission, { tenantId })).toBe(expected);
        });
      });
    }
  }

  it("covers every permission the module defines", () => {
    for (const row of Object.values(EXPECTED)) expect(Object.keys(row).sort()).toEqual([...PERMISSIONS].sort());
  });
});

describe("attribute rules", () => {
  const approver: Actor = {
    userId: "alice",
    identityIds: ["alice-oidc"],
    platformAdmin: false,
    memberships: [{ tenantId: OWN, role: "approver" }],
  };

  it("never lets an approver approve their own request, under any of their identities", () => {
    expect(authorize(approver, "job.approve", { tenantId: OWN, requesterIds: ["alice"] })).toEqual({
      allowed: false,
      reason: "you cannot approve your own request",
    });
    expect(can(approver, "job.approve", { tenantId: OWN, requesterIds: ["alice-oidc"] })).toBe(false);
    expect(can(approver, "job.approve", { tenantId: OWN, requesterIds: ["bob"] })).toBe(true);
  });

  it("says why someone who sees a job may not vote on it: their role here, or that approving stays with the tenant's approvers", () => {
    expect(authorize(actorFor("tenant_admin"), "job.approve", { tenantId: OWN })).toEqual({
      allowed: false,
      reason: "you may not approve or deny a job here as a tenant admin; only approvers may",
    });
    expect(authorize(actorFor("auditor"), "job.approve", { tenantId: OWN })).toMatchObject({
      reason: "you may not approve or deny a job here as an auditor; only approvers may",
    });
    expect(authorize(actorFor("platform_admin"), "job.approve", { tenantId: OWN })).toEqual({
      allowed: false,
      reason: "platform admins may not approve or deny a job here; only the tenant's approvers may",
    });
    // Another tenant's approver is not told anything about this tenant's roles.
    expect(authorize(actorFor("approver"), "job.approve", { tenantId: OTHER })).toMatchObject({ reason: "you may not approve or deny a job here" });
    expect(authorize(actorFor("viewer"), "registry.write", { tenantId: OWN })).toMatchObject({
      reason: "you may not register hosts and keys, sync the registry here as a viewer; only operators or tenant admins may",
    });
  });

  it("denies anonymous actors, unknown roles and unknown permissions", () => {
    expect(authorize(null, "registry.read", { tenantId: OWN })).toMatchObject({ allowed: false });
    const odd = { userId: "x", platformAdmin: false, memberships: [{ tenantId: OWN, role: "superuser" }] } as unknown as Actor;
    expect(can(odd, "registry.read", { tenantId: OWN })).toBe(false);
    expect(can(actorFor("platform_admin"), "registry.delete" as Permission, { tenantId: OWN })).toBe(false);
  });

  it("combines roles held in several tenants without leaking across them", () => {
    const multi: Actor = {
      userId: "m",
      platformAdmin: false,
      memberships: [
        { tenantId: OWN, role: "viewer" },
        { tenantId: OTHER, role: "tenant_admin" },
      ],
    };
    expect(can(multi, "killswitch.write", { tenantId: OTHER })).toBe(true);
    expect(can(multi, "killswitch.write", { tenantId: OWN })).toBe(false);
    expect(scopeFor(multi, "registry.read")).toEqual({ all: false, tenantIds: [OWN, OTHER] });
    expect(scopeFor(multi, "registry.write")).toEqual({ all: false, tenantIds: [OTHER] });
    expect(holdsAnywhere(multi, "job.approve")).toBe(false);
  });

  it("scopes reads: members see their tenants, platform admins all", () => {
    expect(scopeFor(actorFor("auditor"), "registry.read")).toEqual({ all: false, tenantIds: [OWN] });
    expect(scopeFor(actorFor("platform_admin"), "registry.read")).toEqual({ all: true });
    expect(scopeFor(actorFor("platform_admin"), "job.approve")).toEqual({ all: false, tenantIds: [] });
    expect(scopeFor(null, "registry.read")).toEqual({ all: false, tenantIds: [] });
  });
});

describe("view as: a platform admin narrowed to one tenant role is read-only", () => {
  const viewing: Actor = {
    userId: "admin",
    platformAdmin: false,
    isPlatformAdminUser: true,
    viewAs: { tenantId: OWN, role: "tenant_admin" },
    memberships: [{ tenantId: OWN, role: "tenant_admin" }],
  };

  it("reads as the role, refuses every write, and may still stop viewing as", () => {
    expect(can(viewing, "registry.read", { tenantId: OWN })).toBe(true);
    expect(can(viewing, "registry.read", { tenantId: OTHER })).toBe(false);
    for (const permission of ["killswitch.write", "registry.write", "policy.write", "token.manage"] as const) {
      expect(authorize(viewing, permission, { tenantId: OWN })).toEqual({ allowed: false, reason: expect.stringMatching(/^you are viewing as another role, which is read-only/) });
    }
    expect(can(viewing, "session.view_as", { tenantId: null })).toBe(true);
    expect(can({ ...viewing, isPlatformAdminUser: false }, "session.view_as", { tenantId: null })).toBe(false);
  });
});

describe("API tokens: never more than the token carries, its scope, or its owner holds now", () => {
  const tenantAdmin: Actor = { userId: "t", platformAdmin: false, memberships: [{ tenantId: OWN, role: "tenant_admin" }, { tenantId: OTHER, role: "operator" }] };
  const admin: Actor = { userId: "a", platformAdmin: true, memberships: [] };

  it("refuses a permission the token does not carry, naming it", () => {
    const token: Actor = { ...tenantAdmin, limit: { tenantId: OWN, permissions: ["registry.write"] } };
    expect(can(token, "registry.write", { tenantId: OWN })).toBe(true);
    expect(authorize(token, "policy.write", { tenantId: OWN })).toEqual({
      allowed: false,
      reason: "this API token does not carry the permission policy.write (apply a policy)",
    });
  });

  it("keeps a tenant token inside its tenant, also for a platform admin's token", () => {
    const token: Actor = { ...tenantAdmin, limit: { tenantId: OWN, permissions: ["registry.write"] } };
    expect(can(token, "registry.write", { tenantId: OTHER })).toBe(false); // the owner could; the token may not
    const adminToken: Actor = { ...admin, limit: { tenantId: OWN, permissions: ["registry.write", "audit.verify"] } };
    expect(can(adminToken, "registry.write", { tenantId: OWN })).toBe(true);
    expect(can(adminToken, "registry.write", { tenantId: OTHER })).toBe(false);
    expect(can(adminToken, "registry.write", { tenantId: null })).toBe(false);
    expect(can(adminToken, "audit.verify", { tenantId: null })).toBe(true); // a platform-wide read held in its tenant
    expect(scopeFor(adminToken, "registry.write")).toEqual({ all: false, tenantIds: [OWN] });
  });

  it("intersects with the owner's powers: a demoted owner's token loses them", () => {
    const demoted: Actor = { userId: "t", platformAdmin: false, memberships: [{ tenantId: OWN, role: "viewer" }], limit: { tenantId: OWN, permissions: ["registry.write"] } };
    expect(can(demoted, "registry.write", { tenantId: OWN })).toBe(false);
    expect(scopeFor(demoted, "registry.write")).toEqual({ all: false, tenantIds: [] });
  });

  it("never lets a token approve, flip a switch, manage tokens or view as", () => {
    const token: Actor = { ...admin, isPlatformAdminUser: true, limit: { tenantId: null, permissions: [...PERMISSIONS] } };
    for (const permission of ["job.approve", "killswitch.write", "token.manage", "token.revoke", "token.service", "session.view_as"] as const) {
      expect(can(token, permission, { tenantId: OWN })).toBe(false);
      expect(TOKEN_PERMISSIONS).not.toContain(permission);
    }
    expect(can(token, "session.whoami", { tenantId: null })).toBe(true);
  });

  it("creating a token: every permission granted must be held by its creator in its scope", () => {
    const operator: Actor = { userId: "o", platformAdmin: false, memberships: [{ tenantId: OWN, role: "operator" }] };
    expect(can(operator, "token.manage", { tenantId: OWN, grants: ["registry.read", "registry.write"] })).toBe(true);
    expect(authorize(operator, "token.manage", { tenantId: OWN, grants: ["registry.write", "policy.write"] })).toEqual({
      allowed: false,
      reason: "you do not hold policy.write (apply a policy) here, so no token of yours can",
    });
    const viewer: Actor = { userId: "v", platformAdmin: false, memberships: [{ tenantId: OWN, role: "viewer" }] };
    expect(can(viewer, "token.manage", { tenantId: OWN, grants: ["registry.write"] })).toBe(false);
    expect(can(viewer, "token.manage", { tenantId: null, grants: ["registry.read"] })).toBe(false); // platform scope: admins only
    expect(authorize(admin, "token.manage", { tenantId: null, grants: ["job.approve"] })).toMatchObject({ allowed: false });
  });
});

describe("one action touching several scopes (a registry plan)", () => {
  const operator: Actor = { userId: "o", platformAdmin: false, memberships: [{ tenantId: OWN, role: "operator" }] };

  it("checks every scope and names the one refused", () => {
    expect(can(operator, "registry.write", { tenantId: OWN, touches: [{ tenantId: OWN, label: "tenant own" }] })).toBe(true);
    expect(authorize(operator, "registry.write", { tenantId: OWN, touches: [{ tenantId: OTHER, label: "tenant other" }] })).toEqual({
      allowed: false,
      reason: "you may not register hosts and keys, sync the registry in tenant other",
    });
    expect(can(operator, "registry.write", { tenantId: OWN, touches: [{ tenantId: null, label: "the platform" }] })).toBe(false);
  });
});

describe("scope helpers", () => {
  const all = { all: true } as const;
  const some = { all: false, tenantIds: [OWN] } as const;
  const none = { all: false, tenantIds: [] } as const;

  it("inScope: the platform scope (null) only under every tenant", () => {
    expect(inScope(all, null)).toBe(true);
    expect(inScope(some, OWN)).toBe(true);
    expect(inScope(some, OTHER)).toBe(false);
    expect(inScope(some, null)).toBe(false);
    expect(inScope(none, OWN)).toBe(false);
  });

  it("withinScope and coversScope", () => {
    const tenants = [{ id: OWN, slug: "own" }, { id: OTHER, slug: "other" }];
    expect(withinScope(all, tenants)).toEqual(tenants);
    expect(withinScope(some, tenants)).toEqual([tenants[0]]);
    expect(coversScope(all, some)).toBe(true);
    expect(coversScope(some, some)).toBe(true);
    expect(coversScope(some, { all: false, tenantIds: [OWN, OTHER] })).toBe(false);
    expect(coversScope(some, all)).toBe(false);
    expect(coversScope(some, none)).toBe(false);
  });
});

describe("a token's permissions imply reading the registry they act on", () => {
  it("registry.write (and the other tenant permissions) carry registry.read; registry.read carries nothing more", () => {
    const operator: Actor = { userId: "o", platformAdmin: false, memberships: [{ tenantId: OWN, role: "operator" }] };
    const writeOnly: Actor = { ...operator, limit: { tenantId: OWN, permissions: ["registry.write"] } };
    expect(can(writeOnly, "registry.read", { tenantId: OWN })).toBe(true);
    expect(scopeFor(writeOnly, "registry.read")).toEqual({ all: false, tenantIds: [OWN] });
    const readOnly: Actor = { ...operator, limit: { tenantId: OWN, permissions: ["registry.read"] } };
    expect(can(readOnly, "registry.write", { tenantId: OWN })).toBe(false);
  });
});
