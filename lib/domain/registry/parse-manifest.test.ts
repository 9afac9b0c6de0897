import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { formatManifestError, parseManifest, type ManifestError } from "./parse-manifest";

const D = (c: string) => `sha256:${c.repeat(64)}`;
function publicKeyB64(): string {
  const der = generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32).toString("base64");
}
const KEY = publicKeyB64();

/** A valid manifest; line numbers below refer to this layout. */
function goodDoc(): string[] {
  return [
    "apiVersion: cellgate/v1", // 1
    "kind: Registry", // 2
    "tenants:", // 3
    "  - { slug: platform, name: Platform }", // 4
    "profiles:", // 5
    "  - slug: awareness-endpoint", // 6
    "    tenant: platform", // 7
    "    owner: platform-team", // 8
    "    ring: 1", // 9
    "    tier: L1", // 10
    "    unit: agent-awareness.service", // 11
    `    artifactDigest: ${D("a")}`, // 12
    `    rollbackTarget: { endpoint: "https://deploy.internal/awareness", manifestDigest: "${D("b")}" }`, // 13
    "    evidencePath: evidence/awareness/", // 14
    `    tools: [ { name: read_ticket, schemaHash: "${D("c")}" } ]`, // 15
    "    deniedTools: [ shell_exec ]", // 16
    '    egress: [ "tickets.internal:443" ]', // 17
    '    secrets: [ "secret://vault/awareness/token" ]', // 18
    "hosts:", // 19
    "  - id: sandbox-01", // 20
    "    profiles: [ awareness-endpoint ]", // 21
    "    keys:", // 22
    `      - { id: sandbox-01-2026-11, publicKey: "${KEY}" }`, // 23
  ];
}

function withLine(line: number, text: string): string {
  const doc = goodDoc();
  doc[line - 1] = text;
  return doc.join("\n");
}

function errorsOf(text: string): ManifestError[] {
  const result = parseManifest(text);
  if (result.ok) throw new Error("expected the manifest to be refused");
  return result.errors;
}

describe("parseManifest", () => {
  it("accepts the documented example and fills defaults", () => {
    const result = parseManifest(goodDoc().join("\n"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.manifest.profiles[0]?.slug).toBe("awareness-endpoint");
    expect(result.manifest.hosts[0]?.keys[0]?.status).toBe("active");
    const minimal = parseManifest("apiVersion: cellgate/v1\nkind: Registry\n");
    expect(minimal.ok && minimal.manifest.profiles).toEqual([]);
  });

  it("refuses an unknown field on its own line", () => {
    const errors = errorsOf(withLine(16, "    deniedToolz: [ shell_exec ]"));
    expect(errors).toContainEqual({ line: 16, path: "profiles[0].deniedToolz", message: "unknown field" });
  });

  it("refuses a malformed digest", () => {
    const errors = errorsOf(withLine(12, `    artifactDigest: sha256:${"A".repeat(64)}`));
    expect(errors).toEqual([{ line: 12, path: "profiles[0].artifactDigest", message: "must be sha256:<64 lowercase hex digits>" }]);
    const short = errorsOf(withLine(15, '    tools: [ { name: read_ticket, schemaHash: "sha256:abc" } ]'));
    expect(short[0]).toMatchObject({ line: 15, path: "profiles[0].tools[0].schemaHash" });
  });

  it.each([
    ["an AWS access key", '    secrets: [ "AKIAIOSFODNN7EXAMPLE" ]'],
    ["a plain password", '    secrets: [ "hunter2" ]'],
    ["a private key", '    secrets: [ "-----BEGIN PRIVATE KEY-----\\nMIIEv" ]'],
  ])("refuses a secret value (%s) where a reference belongs, without echoing it", (_label, line) => {
    const errors = errorsOf(withLine(18, line));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 18, path: "profiles[0].secrets[0]" });
    expect(errors[0]?.message).toMatch(/^a secret value where a secret:\/\/ reference belongs/);
    const printed = formatManifestError("registry.yaml", errors[0]!);
    expect(printed).toMatch(/^registry\.yaml:18: profiles\[0\]\.secrets\[0\]: a secret value/);
    expect(printed).not.toMatch(/AKIA|hunter2|BEGIN/);
  });

  it("refuses a malformed secret reference and secrets in other fields", () => {
    expect(errorsOf(withLine(18, '    secrets: [ "secret://" ]'))[0]).toMatchObject({ line: 18, message: expect.stringMatching(/malformed secret reference/) });
    const inUrl = errorsOf(withLine(13, `    rollbackTarget: { endpoint: "https://deploy:s3cretpw@deploy.internal/x", manifestDigest: "${D("b")}" }`));
    expect(inUrl[0]).toMatchObject({ line: 13, path: "profiles[0].rollbackTarget.endpoint", message: expect.stringMatching(/password in a URL/) });
  });

  it("refuses a public key that is not 32 bytes", () => {
    const short = Buffer.alloc(31, 7).toString("base64");
    const errors = errorsOf(withLine(23, `      - { id: sandbox-01-2026-11, publicKey: "${short}" }`));
    expect(errors).toEqual([
      { line: 23, path: "hosts[0].keys[0].publicKey", message: "must be base64 of the raw 32-byte Ed25519 public key (got 31 bytes)" },
    ]);
    const junk = errorsOf(withLine(23, '      - { id: sandbox-01-2026-11, publicKey: "not base64!" }'));
    expect(junk[0]?.message).toMatch(/not valid base64/);
  });

  it("refuses a ring or tier out of range", () => {
    expect(errorsOf(withLine(9, "    ring: 6"))).toEqual([{ line: 9, path: "profiles[0].ring", message: "must be 0–5" }]);
    expect(errorsOf(withLine(10, "    tier: L9"))[0]).toMatchObject({ line: 10, path: "profiles[0].tier" });
  });

  it("refuses a host bound to an undeclared profile, and an undeclared tenant", () => {
    expect(errorsOf(withLine(21, "    profiles: [ awareness-endpoint, ghost-bot ]"))).toEqual([
      { line: 21, path: "hosts[0].profiles[1]", message: "profile ghost-bot is not declared under profiles" },
    ]);
    expect(errorsOf(withLine(7, "    tenant: elsewhere"))).toEqual([
      { line: 7, path: "profiles[0].tenant", message: "tenant elsewhere is not declared under tenants" },
    ]);
  });

  it("refuses duplicate slugs and key ids, naming the second occurrence", () => {
    const doc = [...goodDoc(), `      - { id: sandbox-01-2026-11, publicKey: "${KEY}" }`];
    expect(errorsOf(doc.join("\n"))).toContainEqual({
      line: 24,
      path: "hosts[0].keys[1].id",
      message: "duplicate key id sandbox-01-2026-11 (also on host sandbox-01)",
    });
    const tenants = goodDoc();
    tenants.splice(4, 0, "  - { slug: platform, name: Again }");
    expect(errorsOf(tenants.join("\n"))[0]).toMatchObject({ line: 5, path: "tenants[1].slug" });
  });

  it("reports a missing required field at its object, and YAML syntax errors by line", () => {
    const doc = goodDoc().filter((_, i) => i !== 10); // drop "unit"
    expect(errorsOf(doc.join("\n"))).toEqual([{ line: 6, path: "profiles[0].unit", message: "is required" }]);
    const broken = errorsOf(withLine(17, '    egress: [ "tickets.internal:443"'));
    expect(broken[0]?.message).toMatch(/^YAML:/);
    expect(broken[0]?.line).toBeGreaterThanOrEqual(17);
    expect(errorsOf(withLine(2, "kind: Inventory"))[0]).toMatchObject({ line: 2, path: "kind" });
  });

  it("refuses duplicate YAML keys and an empty document", () => {
    expect(errorsOf(withLine(10, "    ring: 2"))[0]).toMatchObject({ line: 10, message: expect.stringMatching(/YAML/) });
    expect(errorsOf("")[0]).toMatchObject({ line: 1 });
  });
});
