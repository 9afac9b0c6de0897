import "server-only";
/** Kill-switch rows → views with tenant, profile and user names resolved. */
import type { Db, Tx } from "@/lib/db";
import { capabilityById, describeSwitch, isInForce, type KillSwitchScope } from "@/lib/domain/killswitch";
import type { KillSwitch } from "@/lib/generated/prisma/client";

export const SYSTEM_ACTOR = "system";

export interface KillSwitchView {
  id: string;
  scope: KillSwitchScope;
  /** The tenant (null for global switches). */
  tenant: { id: string; slug: string; name: string } | null;
  /** The profile, for profile switches and capability switches narrowed to one profile. */
  profile: { id: string; slug: string } | null;
  capability: { id: string; label: string } | null;
  /** One line naming what it stops, e.g. "Write tools on tenant acme". */
  description: string;
  reason: string;
  engagedBy: { id: string; name: string };
  engagedAt: string;
  autoReleaseAt: string | null;
  inForce: boolean;
  releasedAt: string | null;
  /** Who released it; id "system" for an automatic release. */
  releasedBy: { id: string; name: string } | null;
  releaseReason: string | null;
  engageReceiptId: string;
  releaseReceiptId: string | null;
}

export async function toViews(prisma: Db | Tx, rows: readonly KillSwitch[], now: Date): Promise<KillSwitchView[]> {
  const tenantIds = [...new Set(rows.map((r) => r.tenantId).filter((v): v is string => Boolean(v)))];
  const profileIds = [...new Set(rows.map((r) => r.profileId).filter((v): v is string => Boolean(v)))];
  const userIds = [
    ...new Set(rows.flatMap((r) => [r.engagedBy, r.releasedBy]).filter((v): v is string => Boolean(v) && v !== SYSTEM_ACTOR)),
  ].filter((v) => /^[0-9a-f-]{36}$/i.test(v));
  const [tenants, profiles, users] = await Promise.all([
    tenantIds.length ? prisma.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, slug: true, name: true } }) : [],
    profileIds.length ? prisma.profile.findMany({ where: { id: { in: profileIds } }, select: { id: true, slug: true } }) : [],
    userIds.length ? prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } }) : [],
  ]);
  const tenantById = new Map(tenants.map((t) => [t.id, t]));
  const profileById = new Map(profiles.map((p) => [p.id, p]));
  const userName = (id: string) => (id === SYSTEM_ACTOR ? "automatic release" : (users.find((u) => u.id === id)?.name ?? "unknown user"));
  return rows.map((row) => {
    const tenant = row.tenantId ? (tenantById.get(row.tenantId) ?? null) : null;
    const profile = row.profileId ? (profileById.get(row.profileId) ?? null) : null;
    const capability = row.capability ? { id: row.capability, label: capabilityById(row.capability)?.label ?? row.capability } : null;
    const scope = row.scope as KillSwitchScope;
    return {
      id: row.id,
      scope,
      tenant,
      profile,
      capability,
      description: describeSwitch({ scope, tenant: tenant?.slug, profile: profile?.slug, capability: row.capability }),
      reason: row.reason,
      engagedBy: { id: row.engagedBy, name: userName(row.engagedBy) },
      engagedAt: row.engagedAt.toISOString(),
      autoReleaseAt: row.autoReleaseAt?.toISOString() ?? null,
      inForce: isInForce(row, now),
      releasedAt: row.releasedAt?.toISOString() ?? null,
      releasedBy: row.releasedBy ? { id: row.releasedBy, name: userName(row.releasedBy) } : null,
      releaseReason: row.releaseReason,
      engageReceiptId: row.engageReceiptId,
      releaseReceiptId: row.releaseReceiptId,
    };
  });
}
