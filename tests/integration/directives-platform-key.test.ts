/**
 * The generated platform key: created once, mode 0600, and the same key for
 * two processes that start at the same moment on one data directory.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateEd25519Key } from "@/lib/domain/http-signatures";
import { loadOrCreateKeyFile, PLATFORM_KEY_FILE, PlatformKeyError, resolvePlatformKey } from "@/lib/server/platform-key";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);
const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-pk-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("platform key", () => {
  it("is generated on first use into the data directory with mode 0600, then reused", () => {
    const dir = path.join(tempDir(), "nested", "data");
    const first = loadOrCreateKeyFile(dir);
    const file = path.join(dir, PLATFORM_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.keyId).toMatch(/^platform-[0-9a-f]{16}$/);
    expect(loadOrCreateKeyFile(dir)).toMatchObject({ keyId: first.keyId, publicKeyBase64: first.publicKeyBase64 });
    expect(fs.readdirSync(dir)).toEqual([PLATFORM_KEY_FILE]);
  });

  it("comes from a file: or env: secret reference when CELLGATE_PLATFORM_KEY is set", () => {
    const dir = tempDir();
    const key = generateEd25519Key();
    const pemFile = path.join(dir, "given.pem");
    fs.writeFileSync(pemFile, key.privateKeyPem, { mode: 0o600 });
    expect(resolvePlatformKey({ ref: `file:${pemFile}`, dataDir: dir }).publicKeyBase64).toBe(key.publicKeyBase64);
    process.env.CG_PK_TEST_PEM = key.privateKeyPem;
    try {
      expect(resolvePlatformKey({ ref: "env:CG_PK_TEST_PEM", dataDir: dir }).publicKeyBase64).toBe(key.publicKeyBase64);
    } finally {
      delete process.env.CG_PK_TEST_PEM;
    }
    expect(fs.existsSync(path.join(dir, PLATFORM_KEY_FILE))).toBe(false);
    fs.writeFileSync(path.join(dir, "bad.pem"), "not a key");
    expect(() => resolvePlatformKey({ ref: `file:${path.join(dir, "bad.pem")}`, dataDir: dir })).toThrow(PlatformKeyError);
  });

  it("two processes starting together agree on one key", async () => {
    const dir = tempDir();
    const script = path.join(tempDir(), "load-key.ts");
    fs.writeFileSync(
      script,
      `import { loadOrCreateKeyFile } from ${JSON.stringify(path.join(ROOT, "lib/server/platform-key.ts"))};\n` +
        `process.stdout.write(loadOrCreateKeyFile(process.argv[2]!).keyId);\n`,
    );
    const start = () => run(process.execPath, ["--conditions=react-server", "--import", "tsx", script, dir], { cwd: ROOT });
    const results = await Promise.all([start(), start(), start()]);
    const ids = results.map((r) => r.stdout.trim());
    expect(ids[0]).toMatch(/^platform-[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([PLATFORM_KEY_FILE]);
    expect(fs.statSync(path.join(dir, PLATFORM_KEY_FILE)).mode & 0o777).toBe(0o600);
  });
});
