import "server-only";
/**
 * The production-ready evidence checklist of one profile, read through the
 * actor's tenant scope (the profile relation carries the tenant).
 */
import type { Actor } from "@/lib/authz";
import { db } from "@/lib/db";
import { evidenceChecklist, type Checklist } from "@/lib/domain/evidence";
import { tenantScope } from "./profiles";

/** The checklist of `slug`, or null when it does not exist or the actor may not see it. */
export async function getProfileEvidence(actor: Actor, slug: string, now = new Date()): Promise<Checklist | null> {
  const prisma = await db();
  const profile = await prisma.profile.findFirst({
    where: { slug, ...tenantScope(actor) },
    select: { artifactDigest: true, evidence: { select: { item: true, passed: true, observedAt: true, detail: true } } },
  });
  if (!profile) return null;
  return evidenceChecklist(profile.evidence, now, { intendedDigest: profile.artifactDigest });
}
