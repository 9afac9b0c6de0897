/**
 * `cellgate packet verify` run as the real CLI (bin/cellgate.mjs) on packets
 * built by the domain code in a temp directory. Offline: the data dir points
 * nowhere, so any attempt to open a database would fail the command.
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawPublicKeyBase64 } from "@/lib/domain/http-signatures/ed25519-keys";
import { MEMBERS, readTar, writeTar } from "@/lib/domain/packet";
import { sampleLog, samplePacket } from "@/lib/domain/packet/sample";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);
const OFFLINE = { CELLGATE_DATA_DIR: "/nonexistent/never-opened", DATABASE_URL: undefined, CELLGATE_INVOKE_CWD: undefined };

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(ROOT, "bin/cellgate.mjs"), ...args], { env, cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("cellgate packet verify (offline)", { timeout: 120_000 }, () => {
  const key = generateKeyPairSync("ed25519").privateKey;
  const log = sampleLog(60, 3);
  let dir = "";

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-packet-"));
    const packet = samplePacket(log, key, { tenantIndex: 1 });
    fs.writeFileSync(path.join(dir, "good.tar"), packet);
    const tampered = writeTar(
      readTar(packet).map(({ name, data }) => {
        if (name !== MEMBERS.entries) return { name, data };
        const copy = Buffer.from(data);
        copy[copy.indexOf("job.")]! ^= 0x01; // "job." → "kob." in the first entry's action
        return { name, data: copy };
      }),
      1_700_000_000,
    );
    fs.writeFileSync(path.join(dir, "tampered.tar"), tampered);
    fs.writeFileSync(path.join(dir, "platform.pub"), `${rawPublicKeyBase64(key)}\n`);
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("accepts a good packet and prints a readable summary (relative path, pinned key from a file)", async () => {
    const result = await cli(["packet", "verify", "good.tar", "--public-key", "@platform.pub"], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^evidence packet OK: good\.tar/);
    expect(result.stdout).toContain(`tenant ${log.tenants[1]!.slug}`);
    expect(result.stdout).toContain("(the pinned key)");
    expect(result.stdout).toContain(`log size 60, tree root ${log.tree.root(60)}`);
  });

  it("fails a tampered packet, naming the member and the entry", async () => {
    const result = await cli(["packet", "verify", path.join(dir, "tampered.tar")], ROOT);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^evidence packet FAILED: .*tampered\.tar/);
    expect(result.stdout).toContain("entries.jsonl: its SHA-256 does not match the manifest");
    expect(result.stdout).toMatch(/entries\.jsonl: entry \d+ \(line 1\) was altered/);
  });

  it("fails a good packet against the wrong pinned key, and --json carries the failures", async () => {
    const other = rawPublicKeyBase64(generateKeyPairSync("ed25519").privateKey);
    const result = await cli(["packet", "verify", "good.tar", "--public-key", other, "--json"], dir);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; failures: Array<{ member?: string; message: string }> };
    expect(parsed.ok).toBe(false);
    expect(parsed.failures).toContainEqual({ member: "platform-key.json", message: expect.stringMatching(/not the pinned key/) });
  });

  it("answers --help, and exits 2 on usage errors and 1 on an unreadable file", async () => {
    const help = await cli(["packet", "--help"], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cellgate packet verify FILE/);
    expect((await cli(["packet", "verify"], dir)).code).toBe(2);
    expect((await cli(["packet", "verify", "good.tar", "--public-key", "not-a-key"], dir)).code).toBe(2);
    const missing = await cli(["packet", "verify", "nope.tar"], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read nope.tar (ENOENT)");
  });
});
