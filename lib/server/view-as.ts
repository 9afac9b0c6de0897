import "server-only";
/**
 * "View as": a platform admin narrows their own session to one tenant role
 * to see exactly what that role sees. The narrowing lives on the Session row
 * (viewAsTenantId / viewAsRole; applied by loadActor) and is read-only: the
 * action pipeline refuses other mutations while it is set. Only the real
 * platform admin behind the session may start or stop it.
 */
import { ROLE_LABELS, type Decision, type TenantRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { ZStartViewAsInput, ZStopViewAsInput } from "@/lib/schemas/view-as";
import { defineAction, type ActionPermission } from "./action";
import type { SessionActor } from "./session";

const onlyPlatformAdmins: ActionPermission = {
  name: "platform admin (real user)",
  check: (actor: SessionActor): Decision =>
    actor.isPlatformAdminUser
      ? { allowed: true }
      : { allowed: false, reason: "only platform admins may view as another role" },
};

export const startViewAsAction = defineAction({
  name: "session.view_as.start",
  input: ZStartViewAsInput,
  permission: onlyPlatformAdmins,
  allowWhileViewingAs: true,
  async resource(input, tx, actor) {
    // A platform admin may pick any tenant, even while already viewing as another.
    if (!actor.isPlatformAdminUser) return { tenantId: null, tenantName: "", tenantSlug: "" };
    const tenant = await tx.tenant.findUnique({ where: { slug: input.tenant } });
    return tenant ? { tenantId: tenant.id, tenantName: tenant.name, tenantSlug: tenant.slug } : null;
  },
  async run(tx, input, actor, resource) {
    await tx.session.update({
      where: { id: actor.sessionId, userId: actor.userId },
      data: { viewAsTenantId: resource.tenantId, viewAsRole: input.role },
    });
    return { tenant: resource.tenantSlug, role: input.role as TenantRole };
  },
  receipt: (input, result, actor, resource) => ({
    scope: { type: "user", id: actor.userId },
    tenantId: resource.tenantId,
    request: input,
    result,
    summary: { viewAs: `${ROLE_LABELS[result.role]} in ${resource.tenantName}` },
  }),
  revalidate: ["/", "/profiles", "/receipts"],
});

export const stopViewAsAction = defineAction({
  name: "session.view_as.stop",
  input: ZStopViewAsInput,
  permission: onlyPlatformAdmins,
  allowWhileViewingAs: true,
  resource: async () => ({ tenantId: null }),
  async run(tx, _input, actor) {
    await tx.session.update({
      where: { id: actor.sessionId, userId: actor.userId },
      data: { viewAsTenantId: null, viewAsRole: null },
    });
    return { stopped: true, was: actor.viewAs };
  },
  receipt: (input, result, actor) => ({
    scope: { type: "user", id: actor.userId },
    tenantId: result.was?.tenantId ?? null,
    request: input,
    result,
    summary: { viewAs: "stopped" },
  }),
  revalidate: ["/", "/profiles", "/receipts"],
});

/** Tenants a platform admin may view as (empty for everyone else). */
export async function listViewAsTenants(actor: SessionActor): Promise<{ slug: string; name: string }[]> {
  if (!actor.isPlatformAdminUser) return [];
  const prisma = await db();
  return prisma.tenant.findMany({ orderBy: { slug: "asc" }, select: { slug: true, name: true } });
}
