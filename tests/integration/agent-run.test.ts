/**
 * The reference agent's run loop against a stand-in console (real HTTP,
 * real signatures): spooling through outages, exactly-once delivery by id,
 * Retry-After, refused events, directives verification and the directives
 * file. No database: the console is tested through its own routes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectivesFile } from "@/lib/agent/directives";
import { stableEventId } from "@/lib/agent/event-source";
import { PIN_FILE } from "@/lib/agent/pin";
import { REJECTED_FILE, type RunConfig, runAgent } from "@/lib/agent/run";
import { Spool } from "@/lib/agent/spool";
import { generateEd25519Key, privateKeyFromPem } from "@/lib/domain/http-signatures";
import { type StandIn, startStandIn } from "./agent-stand-in";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-agent-"));
  dirs.push(dir);
  return dir;
}

const hostKey = generateEd25519Key();
const host = { id: `host-${randomBytes(3).toString("hex")}`, keyId: `k-${randomBytes(3).toString("hex")}`, publicKeyBase64: hostKey.publicKeyBase64, profiles: ["acme-bot"] };
let console_: StandIn;

beforeAll(async () => {
  console_ = await startStandIn(host);
});
afterAll(async () => {
  await console_.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Appends `count` JSONL events (every third with its own id) and returns the ids the agent must use. */
function writeEvents(file: string, count: number, type = "tool.allowed"): string[] {
  let offset = fs.existsSync(file) ? fs.statSync(file).size : 0;
  const ids: string[] = [];
  let text = "";
  for (let i = 0; i < count; i++) {
    const own = i % 3 === 0 ? `own-${randomBytes(6).toString("hex")}` : undefined;
    const line = JSON.stringify({ ...(own ? { id: own } : {}), type, attributes: { n: i, nonce: randomBytes(4).toString("hex") } });
    ids.push(own ?? stableEventId(offset, line));
    text += `${line}\n`;
    offset += Buffer.byteLength(line) + 1;
  }
  fs.appendFileSync(file, text);
  return ids;
}

function config(spoolDir: string, extra: Partial<RunConfig> = {}): RunConfig {
  return {
    url: console_.url,
    keyId: host.keyId,
    privateKey: privateKeyFromPem(hostKey.privateKeyPem),
    profiles: host.profiles,
    spoolDir,
    heartbeatSec: 60,
    pollMs: 20,
    backoff: { baseMs: 20, maxMs: 200 },
    maxSeconds: 30,
    log: () => undefined,
    ...extra,
  };
}

/** Runs the agent until `done()` holds (checked every 20 ms) or its maxSeconds safety limit. */
async function runUntil(cfg: RunConfig, done: () => boolean) {
  const controller = new AbortController();
  const timer = setInterval(() => done() && controller.abort(), 20);
  try {
    return await runAgent({ ...cfg, signal: controller.signal });
  } finally {
    clearInterval(timer);
  }
}

describe("agent run: delivery", () => {
  it("spools through 503s and a lost acknowledgement, then delivers every event exactly once", async () => {
    const dir = tempDir();
    const events = path.join(dir, "events.jsonl");
    const spoolDir = path.join(dir, "spool");
    const ids = writeEvents(events, 1100);
    console_.mode.fail503 = 3;
    console_.mode.ackLost = 1;
    const summary = await runUntil(config(spoolDir, { eventsFile: events }), () => ids.every((id) => console_.received.has(id)) && Spool.open(spoolDir).size === 0);
    for (const id of ids) expect(console_.received.get(id)?.profile).toBe("acme-bot");
    expect(Spool.open(spoolDir).size).toBe(0);
    // The batch whose ack was lost arrived twice, and is stored once.
    const redelivered = ids.filter((id) => (console_.arrivals.get(id) ?? 0) > 1);
    expect(redelivered.length).toBeGreaterThan(0);
    expect(redelivered.length).toBeLessThanOrEqual(500);
    expect(summary.retries).toBeGreaterThanOrEqual(4);
    expect(summary.duplicates).toBe(redelivered.length);
    expect(summary.heartbeats).toBeGreaterThanOrEqual(1);
  });

  it("keeps events while the console is unreachable and delivers them after a restart", async () => {
    const dir = tempDir();
    const events = path.join(dir, "events.jsonl");
    const spoolDir = path.join(dir, "spool");
    const first = writeEvents(events, 40);
    const offline = await runAgent(config(spoolDir, { eventsFile: events, url: "http://127.0.0.1:9", maxSeconds: 1 }));
    expect(offline.delivered).toBe(0);
    expect(Spool.open(spoolDir).size).toBe(40 + offline.heartbeats);
    const second = writeEvents(events, 10);
    await runUntil(config(spoolDir, { eventsFile: events }), () => Spool.open(spoolDir).size === 0 && [...first, ...second].every((id) => console_.received.has(id)));
    for (const id of [...first, ...second]) expect(console_.arrivals.get(id)).toBe(1);
  });

  it("waits at least Retry-After after a 429", async () => {
    const dir = tempDir();
    const events = path.join(dir, "events.jsonl");
    const ids = writeEvents(events, 5);
    console_.mode.rateLimit = 1;
    console_.mode.retryAfterSec = 1;
    const since = console_.log.length;
    const summary = await runUntil(config(path.join(dir, "spool"), { eventsFile: events }), () => ids.every((id) => console_.received.has(id)));
    const ingest = console_.log.slice(since).filter((l) => l.path === "/api/v1/ingest");
    const limited = ingest.findIndex((l) => l.status === 429);
    expect(limited).toBeGreaterThanOrEqual(0);
    expect(ingest[limited + 1]!.at - ingest[limited]!.at).toBeGreaterThanOrEqual(950);
    expect(summary.retries).toBeGreaterThanOrEqual(1);
  });

  it("sets aside only the events the console names as invalid and delivers the rest", async () => {
    const dir = tempDir();
    const events = path.join(dir, "events.jsonl");
    const spoolDir = path.join(dir, "spool");
    const good = writeEvents(events, 4);
    const bad = writeEvents(events, 1, "x-refuse");
    const more = writeEvents(events, 3);
    await runUntil(config(spoolDir, { eventsFile: events }), () => Spool.open(spoolDir).size === 0);
    for (const id of [...good, ...more]) expect(console_.received.has(id)).toBe(true);
    expect(console_.received.has(bad[0]!)).toBe(false);
    const rejected = fs.readFileSync(path.join(spoolDir, REJECTED_FILE), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ status: 400, event: { id: bad[0], type: "x-refuse" } });
  });
});

describe("agent run: directives", () => {
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as DirectivesFile;

  async function once(spoolDir: string, out: string, extra: Partial<RunConfig> = {}) {
    const before = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
    await runUntil(config(spoolDir, { directivesOut: out, ...extra }), () => fs.existsSync(out) && fs.readFileSync(out, "utf8") !== before);
    return read(out);
  }

  it("pins the platform key on first use and writes verified directives in normal mode", async () => {
    const dir = tempDir();
    console_.mode.directives = "ok";
    const state = await once(dir, path.join(dir, "directives.json"));
    expect(state).toMatchObject({ mode: "normal", reason: null, platformKeyId: console_.platform.keyId, directives: { host: host.id, killSwitches: [], policyVersion: null } });
    expect(JSON.parse(fs.readFileSync(path.join(dir, PIN_FILE), "utf8"))).toEqual({ keyId: console_.platform.keyId, publicKey: console_.platform.publicKeyBase64 });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it.each([
    ["tamper", "digest-mismatch"],
    ["wrong-key", "bad-signature"],
    ["expired", "expired"],
  ] as const)("directives that turn %s mid-run → stop-risky (%s), keeping only verified content", async (mode, check) => {
    const dir = tempDir();
    const out = path.join(dir, "directives.json");
    console_.mode.directives = "ok";
    const seen: string[] = [];
    try {
      await runUntil(config(dir, { directivesOut: out, directivesSec: 1, platformKey: console_.platform.publicKeyBase64 }), () => {
        if (!fs.existsSync(out)) return false;
        const state = read(out);
        if (seen.at(-1) !== state.mode) seen.push(state.mode);
        if (state.mode === "normal") console_.mode.directives = mode;
        return state.mode === "stop-risky";
      });
      const state = read(out);
      expect(seen).toEqual(["normal", "stop-risky"]);
      expect(state.reason).toContain(check);
      // The last VERIFIED directives are kept for reference; the refused body never reaches the file.
      expect(state.directives).toMatchObject({ host: host.id, killSwitches: [] });
    } finally {
      console_.mode.directives = "ok";
    }
  });

  it("refuses a --platform-key that is not the console's", async () => {
    const dir = tempDir();
    const state = await once(dir, path.join(dir, "d.json"), { platformKey: generateEd25519Key().publicKeyBase64 });
    expect(state).toMatchObject({ mode: "stop-risky", directives: null });
    expect(state.reason).toContain("unknown-key");
  });
});

describe("agent signatures", () => {
  it("carries out a signed rollback directive once with --on-rollback and reports rollback.executed with its duration", async () => {
    const dir = tempDir();
    const marker = path.join(dir, "rolled-back.txt");
    const rollback = { id: randomUUID(), endpoint: "https://deploy.internal/bot@v41", manifestDigest: `sha256:${"b".repeat(64)}`, requestedAt: new Date().toISOString(), reason: "error budget burnt" };
    console_.mode.rollback = rollback;
    const reported = () => [...console_.received.values()].filter((e) => e.type === "rollback.executed");
    const before = reported().length;
    try {
      // A failing command reports nothing and leaves the directive pending.
      const failing = await runUntil(
        config(dir, { directivesOut: path.join(dir, "d.json"), directivesSec: 1, platformKey: console_.platform.publicKeyBase64, onRollback: "exit 3", maxSeconds: 3 }),
        () => false,
      );
      expect(failing.rollbacks).toBe(0);
      expect(reported().length).toBe(before);

      const command = `sleep 0.3; printf '%s %s %s' "$CELLGATE_ROLLBACK_PROFILE" "$CELLGATE_ROLLBACK_ENDPOINT" "$CELLGATE_ROLLBACK_ID" >> '${marker}'`;
      const cfg = config(dir, { directivesOut: path.join(dir, "d.json"), directivesSec: 1, platformKey: console_.platform.publicKeyBase64, onRollback: command });
      const summary = await runUntil(cfg, () => reported().length > before);
      expect(summary.rollbacks).toBe(1);
      expect(fs.readFileSync(marker, "utf8")).toBe(`acme-bot ${rollback.endpoint} ${rollback.id}`);
      const event = reported().at(-1)!;
      expect(event).toMatchObject({ profile: "acme-bot", attributes: { rollback: rollback.id, target: rollback.endpoint } });
      expect((event.attributes as { durationSec: number }).durationSec).toBeGreaterThanOrEqual(0.3);

      // The same directive again (the console has not yet seen the report): carried out once only.
      const again = await runUntil({ ...cfg, maxSeconds: 3 }, () => false);
      expect(again.rollbacks).toBe(0);
      expect(fs.readFileSync(marker, "utf8")).toBe(`acme-bot ${rollback.endpoint} ${rollback.id}`);
    } finally {
      console_.mode.rollback = null;
    }
  });

  it("every request the agent signed also verified under http-message-signatures", () => {
    expect(console_.interop.checked).toBeGreaterThan(10);
    expect(console_.interop.errors).toEqual([]);
    expect(console_.interop.failed).toBe(0);
  });
});
