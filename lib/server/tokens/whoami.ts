import "server-only";
/** `cellgate login` checks a token with GET /api/v1/whoami: who it acts for, and what it may do right now. */
import { z } from "zod";
import { PERMISSIONS, scopeFor, type Permission } from "@/lib/authz";
import { defineAction } from "../action";

export interface WhoAmI {
  user: { email: string; name: string };
  token: { id: string; name: string; scope: string; permissions: string[]; expiresAt: string } | null;
  /** What the request may do now: each permission with the tenant slugs it applies to ("*" for every tenant). */
  effective: { permission: Permission; tenants: string[] | "*" }[];
}

export const whoAmIAction = defineAction({
  name: "session.whoami",
  input: z.object({}),
  permission: "session.whoami",
  resource: async () => ({ tenantId: null }),
  async run(tx, _input, actor): Promise<WhoAmI> {
    const token = actor.tokenId
      ? await tx.apiToken.findUnique({ where: { id: actor.tokenId }, select: { id: true, name: true, tenantId: true, permissions: true, expiresAt: true } })
      : null;
    const tenant = token?.tenantId ? await tx.tenant.findUnique({ where: { id: token.tenantId }, select: { slug: true } }) : null;
    const slugs = new Map(actor.tenants.map((t) => [t.id, t.slug]));
    const effective: WhoAmI["effective"] = [];
    for (const permission of PERMISSIONS) {
      const scope = scopeFor(actor, permission);
      if (scope.all) effective.push({ permission, tenants: "*" });
      else if (scope.tenantIds.length) effective.push({ permission, tenants: scope.tenantIds.map((id) => slugs.get(id) ?? id) });
    }
    return {
      user: { email: actor.email, name: actor.name },
      token: token && {
        id: token.id,
        name: token.name,
        scope: tenant?.slug ?? "platform",
        permissions: token.permissions,
        expiresAt: token.expiresAt.toISOString(),
      },
      effective,
    };
  },
});
