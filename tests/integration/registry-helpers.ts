/**
 * Registry writes as a named user through the one pipeline (the same
 * definitions the console API serves), for tests that build manifests as
 * objects: the manifest is sent as YAML text, exactly as the CLI sends it.
 */
import { stringify } from "yaml";
import type { Database } from "../../lib/db";
import type { Manifest } from "../../lib/domain/registry/manifest-schema";
import { hostCommands, registrySync, syncPlanner } from "../../lib/server/registry/actions";
import { actorByEmail, runAs } from "../support/actors";

export function planSync(database: Database, manifest: Manifest) {
  return syncPlanner(manifest)(database.prisma);
}

export async function applySync(database: Database, manifest: Manifest, as: { actorEmail: string; origin: string }) {
  const actor = await actorByEmail(database.prisma, as.actorEmail);
  const { data, receipt } = await runAs(registrySync.apply.definition, { actor, database }, { manifest: stringify(manifest), origin: as.origin });
  return { plan: data.plan, receipt };
}

export async function applyHostRevocation(
  database: Database,
  input: { hostId: string; keyId: string; reason: string },
  as: { actorEmail: string; origin: string },
) {
  const actor = await actorByEmail(database.prisma, as.actorEmail);
  const { data, receipt } = await runAs(hostCommands.revoke.apply.definition, { actor, database }, { ...input, origin: as.origin });
  return { plan: data.plan, receipt };
}
