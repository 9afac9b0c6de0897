/**
 * Factories for integration tests: random names, valid registry fields, and
 * only the values a test cares about passed in.
 */
import type { Db } from "../../lib/db";
import type { Prisma } from "../../lib/generated/prisma/client";
import { randomSlug } from "./databases";

export const TEST_DIGEST = `sha256:${"cd".repeat(32)}`;

export function createTenant(prisma: Db, prefix = "t") {
  const slug = randomSlug(prefix);
  return prisma.tenant.create({ data: { slug, name: `Tenant ${slug}` } });
}

/** A complete profile row for `tenantId`; every field may be overridden. */
export function profileInput(
  tenantId: string,
  over: Partial<Prisma.ProfileUncheckedCreateInput> = {},
): Prisma.ProfileUncheckedCreateInput {
  const slug = over.slug ?? randomSlug("profile");
  return {
    tenantId,
    slug,
    owner: "ops",
    ring: 2,
    tier: "L2",
    unit: `${slug}.service`,
    artifactDigest: TEST_DIGEST,
    rollbackEndpoint: "https://rollback.internal/x",
    rollbackManifestDigest: TEST_DIGEST,
    evidencePath: `evidence/${slug}/`,
    ...over,
  };
}

export function createProfile(prisma: Db, tenantId: string, over: Partial<Prisma.ProfileUncheckedCreateInput> = {}) {
  return prisma.profile.create({ data: profileInput(tenantId, over) });
}
