/**
 * The CLI talks to a running console (issue 12): `cellgate login`, then
 * registry sync, host add|rotate|revoke, policy test|apply and the audit
 * commands over HTTP against the BUILT console — on PostgreSQL, and beside it
 * on the embedded default (PGlite, which the CLI could never open while the
 * console runs). Receipts name the token's owner and the token.
 */
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, randomSlug } from "../support/databases";
import { freePort } from "../../e2e/support/app-server";
import { runCli } from "../support/cli";
import { adminWithToken, openConsoleStore, type ConsoleStore, type ServedConsole } from "../support/console-store";
import { mintTokenFor } from "../support/tokens";
import { platformPolicy, policyYaml } from "./policies-helpers";
import { sealedAt } from "../support/audit";

const D = (c: string) => `sha256:${c.repeat(64)}`;

function publicKey(): string {
  const der = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32).toString("base64");
}

function manifestYaml(tenant: string, profile: string, host: string, key: string): string {
  return [
    "apiVersion: cellgate/v1",
    "kind: Registry",
    "tenants:",
    `  - { slug: ${tenant}, name: Tenant ${tenant} }`,
    "profiles:",
    `  - slug: ${profile}`,
    `    tenant: ${tenant}`,
    "    owner: support-eng",
    "    ring: 2",
    "    tier: L1",
    "    unit: agent-bot.service",
    `    artifactDigest: ${D("a")}`,
    `    rollbackTarget: { endpoint: "https://deploy.internal/bot", manifestDigest: "${D("b")}" }`,
    "    evidencePath: evidence/bot/",
    '    secrets: [ "secret://vault/bot/token" ]', // line 15
    "hosts:",
    `  - id: ${host}`,
    `    profiles: [ ${profile} ]`,
    `    keys: [ { id: ${host}-k1, publicKey: "${key}" } ]`,
    "",
  ].join("\n");
}

describe.each(BACKENDS)("cellgate CLI against a running console (%s)", (backend) => {
  let store: ConsoleStore;
  let served: ServedConsole;
  let admin: Awaited<ReturnType<typeof adminWithToken>>;
  let operator: { email: string; token: string; tokenId: string };
  let readOnly: { token: string };
  let env: Record<string, string>;
  let configDir: string;
  const tenant = randomSlug("tn");
  const profile = randomSlug("bot");
  const host = randomSlug("host");
  const other = randomSlug("other");

  beforeAll(async () => {
    store = await openConsoleStore(backend);
    configDir = path.join(store.dir, "config");
    await store.use(async (db) => {
      admin = await adminWithToken(db);
      // An operator of another tenant, with a registry.write token there; and a read-only token of the admin.
      const t = await db.prisma.tenant.create({ data: { slug: other, name: "Other" } });
      const email = `${randomSlug("op")}@example.test`;
      await db.prisma.user.create({ data: { email, name: "Operator", memberships: { create: { tenantId: t.id, role: "operator" } } } });
      const minted = await mintTokenFor(db, email, { scope: other, permissions: ["registry.read", "registry.write"] });
      operator = { email, token: minted.token, tokenId: minted.id };
      readOnly = await mintTokenFor(db, admin.email, { scope: "platform", permissions: ["registry.read"], name: "read only" });
    });
    served = await store.serve();
    env = { CELLGATE_CONFIG_DIR: configDir };
    fs.writeFileSync(path.join(store.dir, "fleet.yaml"), manifestYaml(tenant, profile, host, publicKey()));
  }, 240_000);
  afterAll(async () => {
    await store?.close();
  });

  it("login refuses a wrong token without storing it, then keeps a good one in a 0600 file", async () => {
    const wrong = await runCli(["login", "--url", served.url], { ...env, CELLGATE_TOKEN: `cgt_${"a".repeat(48)}` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/not logged in: the console at .* refused the API token \((malformed|unknown)\)/);
    expect(fs.existsSync(path.join(configDir, "credentials.json"))).toBe(false);

    const closed = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const unreachable = await runCli(["login", "--url", closed], { ...env, CELLGATE_TOKEN: admin.token });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split("\n")).toHaveLength(1);
    expect(unreachable.stderr).toContain(`cannot reach the console at ${closed} (ECONNREFUSED); nothing was changed`);

    const good = await runCli(["login", "--url", `${served.url}/`], { ...env, CELLGATE_TOKEN: admin.token });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`Logged in to ${served.url} as ${admin.email} with token ${admin.tokenId}`);
    const file = path.join(configDir, "credentials.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toMatchObject({ url: served.url, token: admin.token });
  });

  it("registry sync: a dry run changes nothing; --apply writes one receipt naming the token's owner and the token", async () => {
    const dry = await runCli(["registry", "sync", "fleet.yaml"], env, store.dir);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`+ profile ${profile} (tenant ${tenant})`);
    expect(dry.stdout).toContain("Dry run: nothing was changed");
    const again = await runCli(["registry", "sync", "fleet.yaml", "--json"], env, store.dir);
    expect(JSON.parse(again.stdout)).toMatchObject({ applied: false, plan: { changes: expect.arrayContaining([expect.objectContaining({ op: "create-tenant" })]) } });

    const applied = await runCli(["registry", "sync", "fleet.yaml", "--apply"], env, store.dir);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`Applied: receipt rcpt_\\S+, audit seq \\d+ \\(as ${admin.email.replace(/\./g, "\\.")}, token ${admin.tokenId}\\)`));
    const noop = await runCli(["registry", "sync", "fleet.yaml", "--apply"], env, store.dir);
    expect(noop.stdout).toContain("Nothing to apply: no receipt written.");
  });

  it("names the line of each manifest error and changes nothing", async () => {
    const bad = manifestYaml(randomSlug("tn"), randomSlug("bot"), randomSlug("host"), Buffer.alloc(16, 1).toString("base64"))
      .replace('"secret://vault/bot/token"', '"hunter2"')
      .replace("    ring: 2", "    ring: 2\n    colour: blue");
    fs.writeFileSync(path.join(store.dir, "bad.yaml"), bad);
    const result = await runCli(["registry", "sync", "bad.yaml", "--apply"], env, store.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("bad.yaml:10: profiles[0].colour: unknown field");
    expect(result.stderr).toContain("bad.yaml:16: profiles[0].secrets[0]: a secret value where a secret:// reference belongs");
    expect(result.stderr).toContain("bad.yaml:20: hosts[0].keys[0].publicKey: must be base64 of the raw 32-byte Ed25519 public key (got 16 bytes)");
    expect(result.stderr).toMatch(/bad\.yaml: 3 error\(s\); nothing was changed/);
    expect(result.stderr).not.toContain("hunter2");
  });

  it("host add, rotate and revoke; an operator of another tenant is refused with the permission named", async () => {
    const newHost = randomSlug("host");
    const add = ["host", "add", newHost, "--profile", profile, "--key-id", `${newHost}-k1`, "--public-key", publicKey()];
    const dry = await runCli(add, env);
    expect(dry.stdout).toContain(`+ host ${newHost}`);
    expect(dry.stdout).toContain("(dry run)");
    expect((await runCli([...add, "--apply"], env)).code).toBe(0);
    const rotate = await runCli(["host", "rotate", newHost, "--key-id", `${newHost}-k2`, "--public-key", publicKey(), "--revoke-old", "--apply"], env);
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toContain(`- key ${newHost}-k1 (revoked: rotated to ${newHost}-k2)`);
    const revoke = await runCli(["host", "revoke", newHost, "--key-id", `${newHost}-k2`, "--reason", "host decommissioned", "--apply"], env);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toMatch(/Applied: receipt rcpt_/);

    const asOperator = { CELLGATE_URL: served.url, CELLGATE_TOKEN: operator.token };
    const refused = await runCli(["host", "rotate", host, "--key-id", `${host}-k9`, "--public-key", publicKey(), "--apply"], asOperator);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("forbidden (needs registry.write)");
    expect(refused.stderr).toContain(`This API token may not register hosts and keys, sync the registry in tenant ${tenant} (not one of yours, or new`);
    const dryRefused = await runCli(["host", "rotate", host, "--key-id", `${host}-k9`, "--public-key", publicKey()], asOperator);
    expect(dryRefused.code).toBe(1);

    const narrow = await runCli(["registry", "sync", "fleet.yaml"], { CELLGATE_URL: served.url, CELLGATE_TOKEN: readOnly.token }, store.dir);
    expect(narrow.code).toBe(1);
    expect(narrow.stderr).toContain("forbidden (needs registry.write): This API token does not carry the permission registry.write");
  });

  it("policy test and apply through the console", async () => {
    fs.writeFileSync(path.join(store.dir, "platform.yaml"), platformPolicy());
    fs.writeFileSync(
      path.join(store.dir, "failing.yaml"),
      policyYaml({ level: "tenant", tenant }, [{ id: "reads", topics: ["job.*.read.*"], decision: "ALLOW" }], [
        { name: "reads wait for approval", topic: "job.a.read.b", decision: "REQUIRE_APPROVAL" },
      ]),
    );
    const passing = await runCli(["policy", "test", "platform.yaml"], env, store.dir);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain("✓ deletes are denied: DENY (platform:no-deletes)");

    const dry = await runCli(["policy", "apply", "platform.yaml"], env, store.dir);
    expect(dry.stdout).toContain("dry run: nothing changed");
    const applied = await runCli(["policy", "apply", "platform.yaml", "--apply"], env, store.dir);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(new RegExp(`applied version 1 \\(receipt rcpt_\\S+, audit seq \\d+, as ${admin.email.replace(/\./g, "\\.")}, token ${admin.tokenId}\\)`));
    const again = await runCli(["policy", "apply", "platform.yaml", "--apply"], env, store.dir);
    expect(again.stdout).toContain("unchanged: this version is already in force; nothing changed");

    const refused = await runCli(["policy", "apply", "failing.yaml", "--apply"], env, store.dir);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("refused: 1 failing test(s); nothing changed");

    fs.writeFileSync(path.join(store.dir, "broken.yaml"), "apiVersion: cellgate/v1\nkind: Policy\nlevel: platform\ndefault: MAYBE\nrules: []\n");
    const broken = await runCli(["policy", "test", "broken.yaml"], env, store.dir);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/! line 4: default/);
  });

  it("audit verify, checkpoint and export-checkpoint through the console", async () => {
    const plan = await runCli(["audit", "checkpoint"], env);
    expect(plan.stdout).toMatch(/^Plan: sign a checkpoint of the log at seq \d+; /);
    const taken = await runCli(["audit", "checkpoint", "--apply"], env);
    expect(taken.code).toBe(0);
    expect(taken.stdout).toMatch(/^Checkpoint taken: seq \d+, head [0-9a-f]{64}, tree root [0-9a-f]{64}, .* \(receipt rcpt_\S+\)/);
    const file = path.join(store.dir, "exported.json");
    const exported = await runCli(["audit", "export-checkpoint", "--out", file], env);
    expect(exported.stdout).toMatch(/^Wrote checkpoint seq \d+ /);
    const verified = await runCli(["audit", "verify", "--checkpoint", file], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^audit chain OK: \d+ entries\nsigned checkpoints OK: \d+ .*\ncheckpoint file OK: /);
    // An operator's token does not carry audit.verify.
    const refused = await runCli(["audit", "verify"], { CELLGATE_URL: served.url, CELLGATE_TOKEN: operator.token });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("needs audit.verify");
  });

  it("the receipts of every CLI write name the token's owner and the token, in the receipt and its audit entry", async () => {
    await served.stop(); // PGlite: one process at a time
    await store.use(async (db) => {
      const receipts = await db.prisma.receipt.findMany({ where: { tokenId: admin.tokenId }, orderBy: { auditSeq: "asc" } });
      expect(receipts.map((r) => r.action)).toEqual(
        expect.arrayContaining(["registry.sync", "host.add", "host.rotate", "host.revoke", "policy.apply", "audit.checkpoint"]),
      );
      for (const r of receipts) {
        expect(r).toMatchObject({ actorType: "user", actorId: admin.userId });
        const entry = await db.prisma.auditEntry.findUniqueOrThrow({ where: { seq: sealedAt(r.auditSeq) } });
        expect(entry).toMatchObject({ actorId: admin.userId, hash: r.auditHash });
        expect(entry.data).toMatchObject({ receipt: r.id, token: admin.tokenId });
      }
      // Refused attempts wrote nothing.
      expect(await db.prisma.hostKey.count({ where: { id: `${host}-k9` } })).toBe(0);
      expect(await db.prisma.receipt.count({ where: { tokenId: operator.tokenId } })).toBe(0);
      const token = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: admin.tokenId } });
      expect(token.lastUsedAt).toBeInstanceOf(Date);
    });
  });
});
