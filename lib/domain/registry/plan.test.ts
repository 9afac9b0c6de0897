import { describe, expect, it } from "vitest";
import { formatPlan } from "./format-plan";
import { planHostAdd, planHostRevoke, planHostRotate } from "./host-plan";
import type { Manifest, ProfileSpec } from "./manifest-schema";
import { planRegistrySync } from "./plan";
import { planScope, type ProfileState, type RegistryState } from "./plan-types";

const D = (c: string) => `sha256:${c.repeat(64)}`;
const KEY_A = Buffer.alloc(32, 1).toString("base64");
const KEY_B = Buffer.alloc(32, 2).toString("base64");

function profile(slug: string, overrides: Partial<ProfileSpec> = {}): ProfileSpec {
  return {
    slug,
    tenant: "acme",
    owner: "support-eng",
    ring: 2,
    tier: "L1",
    unit: `${slug}.service`,
    artifactDigest: D("a"),
    rollbackTarget: { endpoint: "https://deploy.acme.internal/rollback", manifestDigest: D("b") },
    evidencePath: `evidence/${slug}/`,
    tools: [{ name: "read_ticket", schemaHash: D("c") }],
    deniedTools: ["shell_exec"],
    egress: ["tickets.internal:443"],
    secrets: ["secret://vault/acme/token"],
    ...overrides,
  };
}

function stateOf(spec: ProfileSpec, id = "p-1"): ProfileState {
  return {
    id,
    slug: spec.slug,
    tenantSlug: spec.tenant,
    owner: spec.owner,
    ring: spec.ring,
    tier: spec.tier,
    unit: spec.unit,
    artifactDigest: spec.artifactDigest,
    rollbackEndpoint: spec.rollbackTarget.endpoint,
    rollbackManifestDigest: spec.rollbackTarget.manifestDigest,
    evidencePath: spec.evidencePath,
    tools: spec.tools,
    deniedTools: spec.deniedTools,
    egress: spec.egress,
    secretRefs: spec.secrets,
  };
}

function manifest(profiles: ProfileSpec[], hosts: Manifest["hosts"] = []): Manifest {
  return { apiVersion: "cellgate/v1", kind: "Registry", tenants: [{ slug: "acme", name: "Acme Corp" }], profiles, hosts };
}

const EMPTY: RegistryState = { tenants: [], profiles: [], hosts: [], keys: [] };

describe("planRegistrySync", () => {
  it("creates everything on an empty registry and needs platform scope for a new tenant", () => {
    const m = manifest([profile("acme-triage")], [{ id: "sandbox-01", profiles: ["acme-triage"], keys: [{ id: "k1", publicKey: KEY_A, status: "active" }] }]);
    const plan = planRegistrySync(m, EMPTY);
    expect(plan.changes.map((c) => c.op)).toEqual(["create-tenant", "create-profile", "create-host", "bind", "add-key"]);
    expect(planScope(plan)).toEqual({ tenants: ["acme"], platform: true });
    expect(formatPlan(plan)).toContain("+ profile acme-triage (tenant acme)");
  });

  it("reports field diffs, unchanged profiles and profiles kept although not in the manifest", () => {
    const same = profile("acme-same");
    const before = profile("acme-triage");
    const after = profile("acme-triage", { tier: "L2", egress: ["tickets.internal:443", "kb.internal:443"], tools: [{ name: "read_ticket", schemaHash: D("d") }] });
    const state: RegistryState = {
      tenants: [{ id: "t1", slug: "acme", name: "Acme Corp" }],
      profiles: [stateOf(before), stateOf(same, "p-2"), stateOf(profile("acme-legacy"), "p-3")],
      hosts: [],
      keys: [],
    };
    const plan = planRegistrySync(manifest([after, same]), state);
    expect(plan.changes).toHaveLength(1);
    expect(formatPlan(plan)).toEqual([
      "~ profile acme-triage: tier L1 → L2, tools ~read_ticket (schema), egress +kb.internal:443",
      "= 1 tenant unchanged",
      "= 1 profile unchanged",
      "  profile acme-legacy: not in manifest (kept)",
    ]);
    expect(planScope(plan)).toEqual({ tenants: ["acme"], platform: false });
  });

  it("revokes a key marked revoked, unbinds profiles no longer listed, and refuses un-revoking", () => {
    const p = profile("acme-triage");
    const state: RegistryState = {
      tenants: [{ id: "t1", slug: "acme", name: "Acme Corp" }],
      profiles: [stateOf(p), stateOf(profile("acme-old"), "p-2")],
      hosts: [{ id: "h1", profiles: [{ slug: "acme-triage", tenantSlug: "acme" }, { slug: "acme-old", tenantSlug: "acme" }], keys: [{ id: "k1", hostId: "h1", publicKey: KEY_A, status: "active" }] }],
      keys: [{ id: "k1", hostId: "h1", publicKey: KEY_A, status: "active" }, { id: "k0", hostId: "h1", publicKey: KEY_B, status: "revoked" }],
    };
    const plan = planRegistrySync(manifest([p], [{ id: "h1", profiles: ["acme-triage"], keys: [{ id: "k1", publicKey: KEY_A, status: "revoked" }] }]), state);
    expect(formatPlan(plan).slice(0, 2)).toEqual(["- binding h1 → acme-old", "- key k1 (revoked: revoked in the registry manifest)"]);
    const again = planRegistrySync(manifest([p], [{ id: "h1", profiles: ["acme-triage"], keys: [{ id: "k0", publicKey: KEY_B, status: "active" }] }]), state);
    expect(again.problems).toEqual(["key k0 was revoked; a revoked key cannot be reactivated — register a new key id"]);
  });

  it("refuses moving a profile between tenants and reusing a key id", () => {
    const state: RegistryState = {
      tenants: [],
      profiles: [{ ...stateOf(profile("acme-triage")), tenantSlug: "globex" }],
      hosts: [],
      keys: [{ id: "k1", hostId: "other", publicKey: KEY_A, status: "active" }],
    };
    const plan = planRegistrySync(manifest([profile("acme-triage")], [{ id: "h1", profiles: [], keys: [{ id: "k1", publicKey: KEY_A, status: "active" }] }]), state);
    expect(plan.problems).toEqual([
      "profile acme-triage belongs to tenant globex; a profile cannot move to tenant acme",
      "key k1 is registered to host other, not h1",
    ]);
  });
});

describe("host plans", () => {
  const state: RegistryState = {
    tenants: [{ id: "t1", slug: "acme", name: "Acme Corp" }],
    profiles: [stateOf(profile("acme-triage"))],
    hosts: [{ id: "h1", profiles: [{ slug: "acme-triage", tenantSlug: "acme" }], keys: [{ id: "k1", hostId: "h1", publicKey: KEY_A, status: "active" }] }],
    keys: [{ id: "k1", hostId: "h1", publicKey: KEY_A, status: "active" }],
  };

  it("adds a host bound to existing profiles, refusing unknown profiles and bad keys", () => {
    const plan = planHostAdd({ hostId: "h2", profiles: ["acme-triage"], keyId: "k2", publicKey: KEY_B }, state);
    expect(formatPlan(plan)).toEqual(["+ host h2", "+ binding h2 → acme-triage", "+ key k2 (host h2)"]);
    expect(planScope(plan)).toEqual({ tenants: ["acme"], platform: false });
    const bad = planHostAdd({ hostId: "h1", profiles: ["nope"], keyId: "k1", publicKey: "abc" }, state);
    expect(bad.changes).toEqual([]);
    expect(bad.problems).toHaveLength(4);
  });

  it("rotates with and without revoking the old key, and revokes one key", () => {
    expect(planHostRotate({ hostId: "h1", keyId: "k2", publicKey: KEY_B, revokeOld: true }, state).changes.map((c) => c.op)).toEqual(["add-key", "revoke-key"]);
    expect(planHostRotate({ hostId: "h1", keyId: "k2", publicKey: KEY_B, revokeOld: false }, state).unchanged.keys).toEqual(["k1"]);
    expect(formatPlan(planHostRevoke({ hostId: "h1", keyId: "k1", reason: "laptop lost" }, state))).toEqual(["- key k1 (revoked: laptop lost)"]);
    expect(planHostRevoke({ hostId: "h1", keyId: "k9", reason: "x" }, state).problems).toEqual(["host h1 has no key k9"]);
  });
});
