import { describe, expect, it } from "vitest";
import {
  authorize,
  can,
  holdsAnywhere,
  PERMISSIONS,
  readableTenantIds,
  ROLES,
  tenantsWith,
  type Actor,
  type Permission,
  type TenantRole,
} from "./index";

const OWN = "tenant-own";
const OTHER = "tenant-other";

/**
 * DESIGN.md "Who may do what", transcribed by hand (not derived from the
 * module under test). Columns: own tenant, other tenant, platform scope.
 * Beyond that table: `metrics.read` (issue 6's fleet-wide Prometheus figures)
 * is platform data, so platform admins only.
 */
type Row = Record<Permission, [own: boolean, other: boolean, platform: boolean]>;
const NONE: [boolean, boolean, boolean] = [false, false, false];
const OWN_ONLY: [boolean, boolean, boolean] = [true, false, false];
const EVERYWHERE: [boolean, boolean, boolean] = [true, true, true];

const EXPECTED: Record<TenantRole | "platform_admin", Row> = {
  viewer: {
    "registry.read": OWN_ONLY,
    "job.approve": NONE,
    "killswitch.scoped": NONE,
    "killswitch.global": NONE,
    "audit.read": NONE,
    "packet.export": NONE,
    "registry.write": NONE,
    "job.read": NONE,
    "policy.write": NONE,
    "metrics.read": NONE,
  },
  operator: {
    "registry.read": OWN_ONLY,
    "job.approve": NONE,
    "killswitch.scoped": NONE,
    "killswitch.global": NONE,
    "audit.read": NONE,
    "packet.export": NONE,
    "registry.write": OWN_ONLY,
    "job.read": NONE,
    "policy.write": NONE,
    "metrics.read": NONE,
  },
  approver: {
    "registry.read": OWN_ONLY,
    "job.approve": OWN_ONLY,
    "killswitch.scoped": NONE,
    "killswitch.global": NONE,
    "audit.read": NONE,
    "packet.export": NONE,
    "registry.write": NONE,
    "job.read": OWN_ONLY,
    "policy.write": NONE,
    "metrics.read": NONE,
  },
  auditor: {
    "registry.read": OWN_ONLY,
    "job.approve": NONE,
    "killswitch.scoped": NONE,
    "killswitch.global": NONE,
    "audit.read": OWN_ONLY,
    "packet.export": OWN_ONLY,
    "registry.write": NONE,
    "job.read": OWN_ONLY,
    "policy.write": NONE,
    "metrics.read": NONE,
  },
  tenant_admin: {
    "registry.read": OWN_ONLY,
    "job.approve": NONE,
    "killswitch.scoped": OWN_ONLY,
    "killswitch.global": NONE,
    "audit.read": OWN_ONLY,
    "packet.export": NONE,
    "registry.write": OWN_ONLY,
    "job.read": OWN_ONLY,
    "policy.write": OWN_ONLY,
    "metrics.read": NONE,
  },
  platform_admin: {
    "registry.read": EVERYWHERE,
    "job.approve": NONE,
    "killswitch.scoped": EVERYWHERE,
    "killswitch.global": EVERYWHERE,
    "audit.read": EVERYWHERE,
    "packet.export": EVERYWHERE,
    "registry.write": EVERYWHERE,
    "job.read": EVERYWHERE,
    "policy.write": EVERYWHERE,
    "metrics.read": EVERYWHERE,
  },
};

function actorFor(role: TenantRole | "platform_admin"): Actor {
  if (role === "platform_admin") return { userId: "u-admin", platformAdmin: true, memberships: [] };
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
    expect(can(multi, "killswitch.scoped", { tenantId: OTHER })).toBe(true);
    expect(can(multi, "killswitch.scoped", { tenantId: OWN })).toBe(false);
    expect(readableTenantIds(multi)).toEqual([OWN, OTHER]);
    expect(tenantsWith(multi, "registry.write")).toEqual([OTHER]);
    expect(holdsAnywhere(multi, "job.approve")).toBe(false);
  });

  it("scopes reads: members see their tenants, platform admins all", () => {
    expect(readableTenantIds(actorFor("auditor"))).toEqual([OWN]);
    expect(readableTenantIds(actorFor("platform_admin"))).toBe("all");
    expect(tenantsWith(actorFor("platform_admin"), "job.approve")).toEqual([]);
  });
});
