import "server-only";
/**
 * "View as": a platform admin narrows their own session to one tenant role
 * to see exactly what that role sees. The narrowing lives on the Session row
 * (viewAsTenantId / viewAsRole; applied by loadActor) and is read-only: the
 * permission table refuses every write permission while it is set. Only the
 * real platform admin behind the session holds `session.view_as` (a row of
 * the table), so only they may start or stop it.
 */
import { ROLE_LABELS, type TenantRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { ZStartViewAsInput, ZStopViewAsInput } from "@/lib/schemas/view-as";
import { defineAction, mayRun } from "./action";
import type { RequestActor, SessionActor } from "./actor";
import { AppError } from "./errors";

function sessionOf(actor: RequestActor): string {
  if (!actor.sessionId) throw new AppError("forbidden", "Viewing as another role is a console session's, not an API token's.");
  return actor.sessionId;
}

export const startViewAsAction = defineAction({
  name: "session.view_as.start",
  input: ZStartViewAsInput,
  permission: "session.view_as",
  async resource(input, tx, actor) {
    // A platform admin may pick any tenant, even while already viewing as another.
    if (!actor.isPlatformAdminUser) return { tenantId: null, tenantName: "", tenantSlug: "" };
    const tenant = await tx.tenant.findUnique({ where: { slug: input.tenant } });
    return tenant ? { tenantId: tenant.id, tenantName: tenant.name, tenantSlug: tenant.slug } : null;
  },
  async run(tx, input, actor, resource) {
    await tx.session.update({
      where: { id: sessionOf(actor), userId: actor.userId },
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
  permission: "session.view_as",
  resource: async () => ({ tenantId: null }),
  async run(tx, _input, actor) {
    await tx.session.update({
      where: { id: sessionOf(actor), userId: actor.userId },
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
  if (!mayRun(startViewAsAction, actor, { tenantId: null })) return [];
  const prisma = await db();
  return prisma.tenant.findMany({ orderBy: { slug: "asc" }, select: { slug: true, name: true } });
}
