/**
 * Pure diff of a manifest against the current registry state: what to
 * create, what to update (field by field), what is unchanged, which keys to
 * add or revoke, and what exists only in the database (kept: the manifest is
 * not authoritative for deletion). A host listed in the manifest is bound to
 * exactly the profiles listed there.
 */
import type { Manifest, ProfileSpec } from "./manifest-schema";
import { emptyPlan, type ChangeScope, type FieldDiff, type ProfileState, type RegistryPlan, type RegistryState } from "./plan-types";

export function planRegistrySync(manifest: Manifest, state: RegistryState): RegistryPlan {
  const plan = emptyPlan();
  const tenants = new Map(state.tenants.map((t) => [t.slug, t]));
  const profiles = new Map(state.profiles.map((p) => [p.slug, p]));
  const hosts = new Map(state.hosts.map((h) => [h.id, h]));
  const keys = new Map(state.keys.map((k) => [k.id, k]));

  for (const spec of manifest.tenants) {
    const current = tenants.get(spec.slug);
    if (!current) plan.changes.push({ op: "create-tenant", scope: "platform", tenant: spec });
    else if (current.name !== spec.name) {
      const diffs: FieldDiff[] = [{ field: "name", kind: "set", from: current.name, to: spec.name }];
      plan.changes.push({ op: "update-tenant", scope: [spec.slug], slug: spec.slug, diffs, tenant: spec });
    } else plan.unchanged.tenants.push(spec.slug);
  }

  const inManifest = new Set(manifest.profiles.map((p) => p.slug));
  const tenantOf = new Map(manifest.profiles.map((p) => [p.slug, p.tenant]));
  for (const spec of manifest.profiles) {
    const current = profiles.get(spec.slug);
    if (!current) {
      plan.changes.push({ op: "create-profile", scope: [spec.tenant], profile: spec });
      continue;
    }
    if (current.tenantSlug !== spec.tenant) {
      plan.problems.push(
        `profile ${spec.slug} belongs to tenant ${current.tenantSlug}; a profile cannot move to tenant ${spec.tenant}`,
      );
      continue;
    }
    const diffs = diffProfile(current, spec);
    if (diffs.length > 0) plan.changes.push({ op: "update-profile", scope: [spec.tenant], slug: spec.slug, diffs, profile: spec });
    else plan.unchanged.profiles.push(spec.slug);
  }
  const manifestTenants = new Set(manifest.tenants.map((t) => t.slug));
  for (const p of state.profiles) {
    if (!inManifest.has(p.slug) && manifestTenants.has(p.tenantSlug)) plan.kept.profiles.push(p.slug);
  }
  plan.kept.profiles.sort();

  for (const spec of manifest.hosts) {
    const current = hosts.get(spec.id);
    const bound = new Map((current?.profiles ?? []).map((p) => [p.slug, p.tenantSlug]));
    const scopeTenants = new Set([...bound.values(), ...spec.profiles.map((s) => tenantOf.get(s) ?? "")]);
    scopeTenants.delete("");
    const scope: ChangeScope = scopeTenants.size > 0 ? [...scopeTenants].sort() : "platform";
    let changed = false;
    if (!current) {
      plan.changes.push({ op: "create-host", scope, hostId: spec.id });
      changed = true;
    }
    for (const slug of spec.profiles) {
      if (!bound.has(slug)) {
        plan.changes.push({ op: "bind", scope, hostId: spec.id, profile: slug });
        changed = true;
      }
    }
    for (const slug of bound.keys()) {
      if (!spec.profiles.includes(slug)) {
        plan.changes.push({ op: "unbind", scope, hostId: spec.id, profile: slug });
        changed = true;
      }
    }
    const listed = new Set(spec.keys.map((k) => k.id));
    for (const key of spec.keys) {
      const existing = keys.get(key.id);
      if (!existing) {
        plan.changes.push({ op: "add-key", scope, hostId: spec.id, keyId: key.id, publicKey: key.publicKey, status: key.status });
        changed = true;
      } else if (existing.hostId !== spec.id) {
        plan.problems.push(`key ${key.id} is registered to host ${existing.hostId}, not ${spec.id}`);
      } else if (existing.publicKey !== key.publicKey) {
        plan.problems.push(`key ${key.id} is registered with a different public key; a key id is never reused — give the new key a new id`);
      } else if (existing.status === "revoked" && key.status === "active") {
        plan.problems.push(`key ${key.id} was revoked; a revoked key cannot be reactivated — register a new key id`);
      } else if (existing.status === "active" && key.status === "revoked") {
        plan.changes.push({ op: "revoke-key", scope, hostId: spec.id, keyId: key.id, reason: "revoked in the registry manifest" });
        changed = true;
      } else plan.unchanged.keys.push(key.id);
    }
    for (const key of current?.keys ?? []) if (!listed.has(key.id)) plan.kept.keys.push(key.id);
    if (!changed) plan.unchanged.hosts.push(spec.id);
  }
  return plan;
}

export function diffProfile(current: ProfileState, spec: ProfileSpec): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const set = (field: string, from: string | number, to: string | number) => {
    if (from !== to) diffs.push({ field, kind: "set", from: String(from), to: String(to) });
  };
  set("owner", current.owner, spec.owner);
  set("ring", current.ring, spec.ring);
  set("tier", current.tier, spec.tier);
  set("unit", current.unit, spec.unit);
  set("artifactDigest", current.artifactDigest, spec.artifactDigest);
  set("rollbackTarget.endpoint", current.rollbackEndpoint, spec.rollbackTarget.endpoint);
  set("rollbackTarget.manifestDigest", current.rollbackManifestDigest, spec.rollbackTarget.manifestDigest);
  set("evidencePath", current.evidencePath, spec.evidencePath);

  const oldTools = new Map(current.tools.map((t) => [t.name, t.schemaHash]));
  const newTools = new Map(spec.tools.map((t) => [t.name, t.schemaHash]));
  const toolDiff = listDiff([...oldTools.keys()], [...newTools.keys()]);
  const changedTools = [...newTools].filter(([name, hash]) => oldTools.has(name) && oldTools.get(name) !== hash).map(([n]) => n);
  if (toolDiff.added.length || toolDiff.removed.length || changedTools.length) {
    diffs.push({ field: "tools", kind: "list", ...toolDiff, changed: changedTools.sort() });
  }
  const lists: [string, string[], string[]][] = [
    ["deniedTools", current.deniedTools, spec.deniedTools],
    ["egress", current.egress, spec.egress],
    ["secrets", current.secretRefs, spec.secrets],
  ];
  for (const [field, from, to] of lists) {
    const d = listDiff(from, to);
    if (d.added.length || d.removed.length) diffs.push({ field, kind: "list", ...d });
  }
  return diffs;
}

function listDiff(from: string[], to: string[]): { added: string[]; removed: string[] } {
  const a = new Set(from);
  const b = new Set(to);
  return { added: [...b].filter((x) => !a.has(x)).sort(), removed: [...a].filter((x) => !b.has(x)).sort() };
}
