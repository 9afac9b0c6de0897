/**
 * API tokens from the outside, over HTTP against the BUILT console on
 * PostgreSQL (the test changes the database while the console runs): each
 * refusal is a problem+json naming its reason, a token used beyond its scope
 * is a 403 naming the permission, and a demoted owner, a disabled owner, a
 * revocation or an expiry applies at the very next request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeTokenAction } from "@/lib/server/tokens/actions";
import { actorByEmail, runAs } from "../support/actors";
import { openConsoleStore, type ConsoleStore, type ServedConsole } from "../support/console-store";
import { randomSlug } from "../support/databases";
import { mintTokenFor } from "../support/tokens";

const MANIFEST = (tenant: string) =>
  ["apiVersion: cellgate/v1", "kind: Registry", "tenants:", `  - { slug: ${tenant}, name: Tenant ${tenant} }`, ""].join("\n");

describe("API tokens over HTTP against the built console (postgresql)", () => {
  let store: ConsoleStore;
  let served: ServedConsole;
  let tenant: { id: string; slug: string };
  let operator: { email: string; id: string };

  beforeAll(async () => {
    store = await openConsoleStore("postgresql");
    await store.use(async (db) => {
      const slug = randomSlug("tn");
      tenant = await db.prisma.tenant.create({ data: { slug, name: `Tenant ${slug}` }, select: { id: true, slug: true } });
      const email = `${randomSlug("op")}@example.test`;
      const user = await db.prisma.user.create({ data: { email, name: email, memberships: { create: { tenantId: tenant.id, role: "operator" } } } });
      operator = { email, id: user.id };
    });
    served = await store.serve();
  }, 240_000);
  afterAll(async () => {
    await store?.close();
  });

  const call = (token: string | null, path = "/api/v1/registry/plan", body: unknown = { manifest: MANIFEST(tenant.slug) }) =>
    fetch(`${served.url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token === null ? {} : { Authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
  const mint = (permissions: Parameters<typeof mintTokenFor>[2]["permissions"]) =>
    store.use((db) => mintTokenFor(db, operator.email, { scope: tenant.slug, permissions }));

  async function problem(response: Response) {
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    return (await response.json()) as { status: number; detail: string; reason?: string; permission?: string; type: string };
  }

  it("a working token plans; the answer names who it acted as", async () => {
    const { token, id } = await mint(["registry.read", "registry.write"]);
    const response = await call(token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, data: { plan: { changes: [] } }, receipt: null, actor: { email: operator.email, tokenId: id } });
  });

  it("refuses missing, malformed, unknown, expired and revoked tokens with 401 naming the reason", async () => {
    const { token, id } = await mint(["registry.write"]);
    for (const [sent, reason] of [
      [null, "missing"],
      ["not-a-token", "malformed"],
      [`${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}`, "malformed"],
    ] as const) {
      const response = await call(sent);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
      expect(await problem(response)).toMatchObject({ status: 401, reason });
    }
    await store.use((db) => db.prisma.apiToken.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } }));
    expect(await problem(await call(token))).toMatchObject({ status: 401, reason: "expired" });

    const fresh = await mint(["registry.write"]);
    expect((await call(fresh.token)).status).toBe(200);
    const actor = await store.use((db) => actorByEmail(db.prisma, operator.email));
    await store.use((db) => runAs(revokeTokenAction.definition, { actor, prisma: db.prisma }, { id: fresh.id }));
    const revoked = await problem(await call(fresh.token));
    expect(revoked).toMatchObject({ status: 401, reason: "revoked" });
    expect(revoked.detail).not.toContain(fresh.token.slice(8));
  });

  it("answers 403 naming the permission a token does not carry, or its owner no longer holds", async () => {
    const narrow = await mint(["registry.read"]);
    expect(await problem(await call(narrow.token))).toMatchObject({ status: 403, permission: "registry.write", detail: expect.stringMatching(/does not carry the permission registry\.write/) });

    const { token } = await mint(["registry.read", "registry.write"]);
    expect((await call(token)).status).toBe(200);
    await store.use((db) => db.prisma.membership.updateMany({ where: { userId: operator.id }, data: { role: "viewer" } }));
    try {
      expect(await problem(await call(token))).toMatchObject({ status: 403, permission: "registry.write" });
    } finally {
      await store.use((db) => db.prisma.membership.updateMany({ where: { userId: operator.id }, data: { role: "operator" } }));
    }
    expect((await call(token)).status).toBe(200);
    await store.use((db) => db.prisma.user.update({ where: { id: operator.id }, data: { disabled: true } }));
    try {
      expect(await problem(await call(token))).toMatchObject({ status: 401, reason: "owner-disabled" });
    } finally {
      await store.use((db) => db.prisma.user.update({ where: { id: operator.id }, data: { disabled: false } }));
    }
  });

  it("bad bodies are 4xx problems, never 500, and write nothing", async () => {
    const { token } = await mint(["registry.read", "registry.write"]);
    const raw = (init: RequestInit) => fetch(`${served.url}/api/v1/registry/apply`, { method: "POST", ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
    expect((await raw({ headers: { "Content-Type": "text/plain" }, body: "x" })).status).toBe(415);
    expect((await raw({ headers: { "Content-Type": "application/json" }, body: "[" })).status).toBe(400);
    expect((await raw({ headers: { "Content-Type": "application/json" }, body: "[1]" })).status).toBe(400);
    expect((await raw({ headers: { "Content-Type": "application/json" }, body: JSON.stringify({ manifest: 5 }) })).status).toBe(400);
    const tooBig = await raw({ headers: { "Content-Type": "application/json" }, body: JSON.stringify({ manifest: "#".repeat(5 * 1024 * 1024) }) });
    expect(tooBig.status).toBe(413);
    const unknownRoute = await fetch(`${served.url}/api/v1/hosts/teleport/apply`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
    expect(unknownRoute.status).toBe(404);
    expect(await store.use((db) => db.prisma.receipt.count({ where: { actorId: operator.id, action: "registry.sync" } }))).toBe(0);
  });
});
