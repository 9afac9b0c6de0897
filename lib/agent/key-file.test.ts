import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rawPublicKeyBase64 } from "@/lib/domain/http-signatures";
import { parseManifest } from "@/lib/domain/registry/parse-manifest";
import { AgentConfigError, defaultKeyId, manifestSnippet, readKeyFile, writeKeyFile } from "./key-file";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-key-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("key files", () => {
  it("writes a 0600 PKCS#8 key whose public half is the one reported", () => {
    const file = path.join(tempDir(), "host.pem");
    const written = writeKeyFile(file, { keyId: "sandbox-01-2026-11" });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(rawPublicKeyBase64(readKeyFile(file))).toBe(written.publicKeyBase64);
  });

  it("refuses to overwrite an existing key unless forced", () => {
    const file = path.join(tempDir(), "host.pem");
    const first = writeKeyFile(file, { keyId: "k1" });
    expect(() => writeKeyFile(file, { keyId: "k1" })).toThrow(/already exists/);
    expect(rawPublicKeyBase64(readKeyFile(file))).toBe(first.publicKeyBase64);
    const second = writeKeyFile(file, { keyId: "k1", force: true });
    expect(second.publicKeyBase64).not.toBe(first.publicKeyBase64);
  });

  it("warns about a key readable by others and refuses a file that is no key", () => {
    const dir = tempDir();
    const file = path.join(dir, "host.pem");
    writeKeyFile(file, { keyId: "k1" });
    fs.chmodSync(file, 0o644);
    const warnings: string[] = [];
    readKeyFile(file, (m) => warnings.push(m));
    expect(warnings[0]).toMatch(/readable by others/);
    fs.writeFileSync(path.join(dir, "junk.pem"), "hello");
    expect(() => readKeyFile(path.join(dir, "junk.pem"))).toThrow(AgentConfigError);
    expect(() => readKeyFile(path.join(dir, "missing.pem"))).toThrow(/ENOENT/);
  });

  it("prints a hosts: snippet that the registry manifest parser accepts", () => {
    const written = writeKeyFile(path.join(tempDir(), "host.pem"), { keyId: defaultKeyId("sandbox-07", new Date("2026-11-03T00:00:00Z")) });
    expect(written.keyId).toBe("sandbox-07-2026-11");
    const snippet = manifestSnippet({ host: "sandbox-07", keyId: written.keyId, publicKeyBase64: written.publicKeyBase64, profiles: ["acme-bot", "acme-triage"] });
    const profile = (slug: string) => [
      `  - slug: ${slug}`,
      "    tenant: acme",
      "    owner: team",
      "    ring: 1",
      "    tier: L1",
      "    unit: bot.service",
      `    artifactDigest: sha256:${"a".repeat(64)}`,
      `    rollbackTarget: { endpoint: "https://deploy.internal/x", manifestDigest: "sha256:${"b".repeat(64)}" }`,
      "    evidencePath: evidence/x/",
    ];
    const manifest = [
      "apiVersion: cellgate/v1",
      "kind: Registry",
      "tenants:",
      "  - { slug: acme, name: Acme }",
      "profiles:",
      ...profile("acme-bot"),
      ...profile("acme-triage"),
      snippet,
    ].join("\n");
    const parsed = parseManifest(manifest);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.manifest.hosts).toEqual([
      { id: "sandbox-07", profiles: ["acme-bot", "acme-triage"], keys: [{ id: "sandbox-07-2026-11", publicKey: written.publicKeyBase64, status: "active" }] },
    ]);
  });

  it("refuses bad host ids, key ids and slugs", () => {
    expect(() => manifestSnippet({ host: "bad host", keyId: "k", publicKeyBase64: "x", profiles: [] })).toThrow(AgentConfigError);
    expect(() => manifestSnippet({ host: "h", keyId: "k", publicKeyBase64: "x", profiles: ["Bad_Slug"] })).toThrow(/not a slug/);
    expect(() => writeKeyFile(path.join(tempDir(), "k.pem"), { keyId: "has space" })).toThrow(/key id/);
  });
});
