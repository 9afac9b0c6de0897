/**
 * `cellgate agent run`: the reference host agent's loop.
 *
 * Each tick: read new complete lines of the events file into the spool
 * (then advance the cursor); add heartbeats when due; deliver the spool in
 * batches (≤ 500 events, ≤ 900 KiB), removing events only after a 202;
 * back off (exponential, jittered, Retry-After as a floor) on 429, 5xx, 401
 * and network errors; refresh the signed directives every period and keep
 * the directives file current. Stops on the abort signal (SIGTERM) or after
 * maxSeconds; everything not yet acknowledged stays in the spool.
 */
import { spawn } from "node:child_process";
import { randomUUID, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type BackoffOptions, backoffDelayMs } from "./backoff";
import { describeProblem, type HostCredentials, refusedIndexes, sendEvents, signedRequest } from "./client";
import { type AgentDirectives, directivesState, type PinnedKey, verifyDirectives, writeDirectivesFile } from "./directives";
import { AgentConfigError } from "./key-file";
import { loadCursor, readEvents, saveCursor } from "./event-source";
import { resolvePin } from "./pin";
import { type AgentEvent, Spool, writeFileAtomic } from "./spool";

export const MAX_BATCH_EVENTS = 500;
export const MAX_BATCH_BYTES = 900 * 1024;
export const REJECTED_FILE = "rejected.jsonl";

export interface RunConfig {
  url: string;
  keyId: string;
  privateKey: KeyObject;
  profiles: string[];
  spoolDir: string;
  eventsFile?: string;
  heartbeatSec: number;
  /** Seconds between directives fetches (default: heartbeatSec). */
  directivesSec?: number;
  directivesOut?: string;
  /** Raw platform public key, base64; else pinned on first use. */
  platformKey?: string;
  /**
   * Shell command that carries out a rollback directive (run with
   * CELLGATE_ROLLBACK_ID, _PROFILE, _ENDPOINT and _MANIFEST_DIGEST set); on
   * exit 0 the agent reports `rollback.executed` with the time it took. Each
   * directive is carried out once (remembered in the spool directory).
   */
  onRollback?: string;
  maxSeconds?: number;
  pollMs?: number;
  backoff?: BackoffOptions;
  signal?: AbortSignal;
  log?: (message: string) => void;
}

export interface RunSummary {
  delivered: number;
  duplicates: number;
  rejected: number;
  heartbeats: number;
  retries: number;
  spooled: number;
  directivesMode: "normal" | "stop-risky" | null;
  rollbacks: number;
}

export const ROLLBACKS_DONE_FILE = "rollbacks-done.json";

/** Runs `command` with /bin/sh, the extra environment added; resolves with its exit code (its output goes to our stderr: stdout carries the summary). */
function runCommand(command: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", command], { env: { ...process.env, ...env }, stdio: ["ignore", 2, 2] });
    child.on("error", () => resolve(127));
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export async function runAgent(config: RunConfig): Promise<RunSummary> {
  if (!Number.isInteger(config.heartbeatSec) || config.heartbeatSec < 5 || config.heartbeatSec > 3600) {
    throw new AgentConfigError("the heartbeat interval must be 5–3600 seconds (the console's heartbeat schema)");
  }
  if (config.profiles.length === 0) throw new AgentConfigError("at least one profile is required");
  const log = config.log ?? ((m: string) => process.stderr.write(`[agent] ${m}\n`));
  const creds: HostCredentials = { url: config.url, keyId: config.keyId, privateKey: config.privateKey };
  const spool = Spool.open(config.spoolDir);
  if (spool.droppedPartialBytes > 0) log(`spool: dropped a partial last line (${spool.droppedPartialBytes} bytes) left by a crash`);
  if (spool.size > 0) log(`spool: ${spool.size} event(s) waiting from an earlier run`);
  const summary: RunSummary = { delivered: 0, duplicates: 0, rejected: 0, heartbeats: 0, retries: 0, spooled: 0, directivesMode: null, rollbacks: 0 };
  const doneFile = path.join(config.spoolDir, ROLLBACKS_DONE_FILE);
  const rollbacksDone = new Set<string>(fs.existsSync(doneFile) ? (JSON.parse(fs.readFileSync(doneFile, "utf8")) as string[]) : []);
  const defaultProfile = config.profiles.length === 1 ? config.profiles[0] : undefined;
  const deadline = config.maxSeconds !== undefined ? Date.now() + config.maxSeconds * 1000 : Infinity;
  const directivesMs = (config.directivesSec ?? config.heartbeatSec) * 1000;
  let cursor = config.eventsFile ? loadCursor(config.spoolDir, config.eventsFile) : 0;
  let nextHeartbeat = 0;
  let nextDirectives = 0;
  let retryAt = 0;
  let attempt = 0;
  let batchLimit = MAX_BATCH_EVENTS;
  let pin: PinnedKey | null = null;
  let lastVerified: AgentDirectives | null = null;
  let refusal: string | null = null;
  let written = "";

  const reject = (events: AgentEvent[], status: number, problem: unknown) => {
    const lines = events.map((event) => `${JSON.stringify({ rejectedAt: new Date().toISOString(), status, problem, event })}\n`).join("");
    fs.appendFileSync(path.join(config.spoolDir, REJECTED_FILE), lines, { mode: 0o600 });
    spool.remove(events.map((e) => e.id));
    summary.rejected += events.length;
    log(`console refused ${events.length} event(s) for good (${status} ${describeProblem(problem)}); kept in ${REJECTED_FILE}`);
  };

  const deliver = async () => {
    while (spool.size > 0 && Date.now() >= retryAt && !config.signal?.aborted) {
      const batch = spool.peek(batchLimit, MAX_BATCH_BYTES);
      const outcome = await sendEvents(creds, batch);
      if (outcome.kind === "delivered") {
        spool.remove(batch.map((e) => e.id));
        const r = outcome.response as { accepted?: unknown; duplicates?: unknown } | null;
        summary.delivered += typeof r?.accepted === "number" ? r.accepted : batch.length;
        summary.duplicates += typeof r?.duplicates === "number" ? r.duplicates : 0;
        attempt = 0;
        batchLimit = MAX_BATCH_EVENTS;
      } else if (outcome.kind === "retry") {
        attempt++;
        summary.retries++;
        const delay = backoffDelayMs(attempt, config.backoff, outcome.retryAfterSec);
        retryAt = Date.now() + delay;
        log(`delivery failed (${outcome.reason}); ${spool.size} event(s) spooled; retry ${attempt} in ${delay} ms`);
        return;
      } else if (outcome.status === 413 && batch.length > 1) {
        batchLimit = Math.max(1, Math.floor(batch.length / 2));
      } else {
        const indexes = outcome.status === 400 ? refusedIndexes(outcome.problem) : [];
        const bad = indexes.length > 0 ? indexes.filter((i) => i < batch.length).map((i) => batch[i]!) : batch;
        reject(bad, outcome.status, outcome.problem);
      }
    }
  };

  const refreshDirectives = async () => {
    try {
      pin ??= await resolvePin({ spoolDir: config.spoolDir, url: config.url, platformKey: config.platformKey, log });
    } catch (error) {
      log(`cannot pin the platform key: ${(error as Error).message}`);
      return;
    }
    let exchange;
    try {
      exchange = await signedRequest(creds, "GET", "/api/v1/directives");
    } catch (error) {
      log(`directives: console unreachable (${(error as Error).message}); last verified directives stay in force until they expire`);
      return;
    }
    if (exchange.status !== 200) {
      log(`directives: console answered ${exchange.status}; last verified directives stay in force until they expire`);
      return;
    }
    const check = await verifyDirectives({ ...exchange, now: new Date(), pin });
    if (check.ok) {
      lastVerified = check.directives;
      refusal = null;
      await carryOutRollbacks(check.directives);
    } else {
      refusal = `directives refused (${check.check}): ${check.reason}`;
      log(refusal);
    }
  };

  /** Rollback directives (verified, platform-signed) not carried out yet: run the command, then report it. */
  const carryOutRollbacks = async (directives: AgentDirectives) => {
    if (!config.onRollback) return;
    for (const profile of directives.profiles) {
      const rollback = profile.rollback;
      if (!rollback || rollbacksDone.has(rollback.id) || !config.profiles.includes(profile.slug)) continue;
      log(`rollback directive ${rollback.id} for ${profile.slug}: rolling back to ${rollback.endpoint}`);
      const started = Date.now();
      const code = await runCommand(config.onRollback, {
        CELLGATE_ROLLBACK_ID: rollback.id,
        CELLGATE_ROLLBACK_PROFILE: profile.slug,
        CELLGATE_ROLLBACK_ENDPOINT: rollback.endpoint,
        CELLGATE_ROLLBACK_MANIFEST_DIGEST: rollback.manifestDigest,
      });
      const durationSec = (Date.now() - started) / 1000;
      if (code !== 0) {
        log(`rollback command exited ${code}; the directive stays pending and is tried again at the next directives`);
        continue;
      }
      summary.spooled += spool.append([
        {
          id: randomUUID(),
          type: "rollback.executed",
          profile: profile.slug,
          occurredAt: new Date().toISOString(),
          attributes: { rollback: rollback.id, target: rollback.endpoint.slice(0, 256), durationSec },
        },
      ]);
      rollbacksDone.add(rollback.id);
      writeFileAtomic(doneFile, JSON.stringify([...rollbacksDone]));
      summary.rollbacks += 1;
      log(`rollback ${rollback.id} carried out in ${durationSec.toFixed(1)} s; reported as rollback.executed`);
    }
  };

  const writeDirectives = (force: boolean) => {
    if (!config.directivesOut) return;
    const state = directivesState({ lastVerified, refusal, now: new Date(), platformKeyId: pin?.keyId ?? "" });
    summary.directivesMode = state.mode;
    const key = `${state.mode}|${state.reason}|${state.directives?.issuedAt}`;
    if (!force && key === written) return;
    writeDirectivesFile(config.directivesOut, state);
    if (!written.startsWith(state.mode)) log(`directives mode: ${state.mode}${state.reason ? ` (${state.reason})` : ""}`);
    written = key;
  };

  while (!config.signal?.aborted && Date.now() < deadline) {
    if (config.eventsFile) {
      const read = readEvents(config.eventsFile, cursor, { profile: defaultProfile, now: new Date() });
      if (read.restarted) log(`events file ${config.eventsFile} shrank; reading it from the start`);
      for (const bad of read.invalid) log(`events file: line at byte ${bad.offset} skipped: ${bad.reason}`);
      summary.spooled += spool.append(read.events);
      if (read.nextOffset !== cursor) saveCursor(config.spoolDir, config.eventsFile, read.nextOffset);
      cursor = read.nextOffset;
    }
    if (Date.now() >= nextHeartbeat) {
      const now = new Date();
      const beats = config.profiles.map((profile) => ({
        id: randomUUID(),
        type: "health.heartbeat",
        profile,
        occurredAt: now.toISOString(),
        attributes: { intervalSec: config.heartbeatSec },
      }));
      summary.spooled += spool.append(beats);
      summary.heartbeats += beats.length;
      nextHeartbeat = now.getTime() + config.heartbeatSec * 1000;
    }
    await deliver();
    let fetched = false;
    if (config.directivesOut && Date.now() >= nextDirectives) {
      await refreshDirectives();
      nextDirectives = Date.now() + directivesMs;
      fetched = true;
    }
    writeDirectives(fetched);
    const wake = Math.min(deadline, nextHeartbeat, config.directivesOut ? nextDirectives : Infinity, spool.size > 0 ? Math.max(retryAt, Date.now()) : Infinity);
    await sleep(Math.min(config.pollMs ?? 500, wake - Date.now()), config.signal);
  }
  log(`stopped: ${summary.delivered} delivered, ${spool.size} still spooled`);
  return summary;
}
