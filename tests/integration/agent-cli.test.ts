/**
 * `npx cellgate agent keygen|send|run` as real child processes
 * (bin/cellgate.mjs), against the stand-in console.
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectivesFile } from "@/lib/agent/directives";
import { parseManifest } from "@/lib/domain/registry/parse-manifest";
import { type StandIn, startStandIn } from "./agent-stand-in";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin/cellgate.mjs");
const exec = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-agent-cli-"));
const keyFile = path.join(dir, "host.pem");
const hostId = `sandbox-${randomBytes(3).toString("hex")}`;
let keyId = "";
let publicKey = "";
let console_: StandIn;

beforeAll(async () => {
  const generated = await cli(["agent", "keygen", "--out", keyFile, "--host", hostId, "--profile", "acme-bot"]);
  expect(generated.code).toBe(0);
  keyId = /key id:\s+(\S+)/.exec(generated.stdout)![1]!;
  publicKey = /public key:\s+(\S+)/.exec(generated.stdout)![1]!;
  console_ = await startStandIn({ id: hostId, keyId, publicKeyBase64: publicKey, profiles: ["acme-bot"] });
}, 60_000);
afterAll(async () => {
  await console_?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("cellgate agent (CLI)", () => {
  it("keygen wrote a 0600 key and a manifest snippet the registry parser accepts; it will not overwrite", async () => {
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(keyId).toMatch(new RegExp(`^${hostId}-\\d{4}-\\d{2}$`));
    const again = await cli(["agent", "keygen", "--out", keyFile]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
    const out = await cli(["agent", "keygen", "--out", path.join(dir, "other.pem"), "--host", hostId, "--key-id", "other-1", "--profile", "acme-bot"]);
    const snippet = out.stdout.slice(out.stdout.indexOf("hosts:"));
    const profile = ["profiles:", "  - slug: acme-bot", "    tenant: acme", "    owner: t", "    ring: 1", "    tier: L1", "    unit: u.service",
      `    artifactDigest: sha256:${"a".repeat(64)}`, `    rollbackTarget: { endpoint: "https://d.internal/x", manifestDigest: "sha256:${"b".repeat(64)}" }`, "    evidencePath: e/"];
    const parsed = parseManifest(["apiVersion: cellgate/v1", "kind: Registry", "tenants:", "  - { slug: acme, name: Acme }", ...profile, snippet].join("\n"));
    expect(parsed.ok && parsed.manifest.hosts[0]?.keys[0]?.id).toBe("other-1");
  });

  it("send posts a signed event and prints the 202; a refusal exits 1 with the problem", async () => {
    const sent = await cli(["agent", "send", "--url", console_.url, "--key", keyFile, "--key-id", keyId, "--profile", "acme-bot", "--type", "tool.denied", "--attr", "tool=shell_exec", "--attr", "count=2"]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^202 /);
    const stored = [...console_.received.values()].find((e) => e.type === "tool.denied");
    expect(stored?.attributes).toEqual({ tool: "shell_exec", count: 2 });

    const eventsFile = path.join(dir, "events.json");
    fs.writeFileSync(eventsFile, JSON.stringify({ events: [{ type: "service.start" }, { type: "x-refuse" }] }));
    const refused = await cli(["agent", "send", "--url", console_.url, "--key", keyFile, "--key-id", keyId, "--profile", "acme-bot", "--events-file", eventsFile]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^400 /);
    expect(refused.stderr).toContain("Invalid batch: 1 invalid event(s)");
  });

  it("run writes directives and stops cleanly on SIGTERM, printing its summary", async () => {
    const out = path.join(dir, "directives.json");
    const child = spawn(process.execPath, [BIN, "agent", "run", "--url", console_.url, "--key", keyFile, "--key-id", keyId, "--profile", "acme-bot", "--spool", path.join(dir, "spool"), "--directives-out", out, "--heartbeat-sec", "30"], { cwd: ROOT });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 300 && !fs.existsSync(out); i++) await new Promise((r) => setTimeout(r, 100));
    const state = JSON.parse(fs.readFileSync(out, "utf8")) as DirectivesFile;
    expect(state).toMatchObject({ mode: "normal", directives: { host: hostId } });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout.trim())).toMatchObject({ heartbeats: 1, directivesMode: "normal" });
  });

  it("refuses bad usage with exit 2", async () => {
    expect((await cli(["agent", "run", "--url", console_.url, "--key", keyFile, "--key-id", keyId, "--spool", dir])).code).toBe(2);
    expect((await cli(["agent", "frobnicate"])).code).toBe(2);
  });
});
