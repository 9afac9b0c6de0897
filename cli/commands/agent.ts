/**
 * `cellgate agent keygen|send|run` — the reference host agent (docs/host-agent.md).
 * Talks to the console over signed HTTP only; never opens the database.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { signedRequest } from "@/lib/agent/client";
import { jobBody, JobError, submitJob, tenantOfProfile, type JobAnswer } from "@/lib/agent/job";
import { AgentConfigError, defaultKeyId, manifestSnippet, readKeyFile, writeKeyFile } from "@/lib/agent/key-file";
import { runAgent } from "@/lib/agent/run";
import type { AgentEvent } from "@/lib/agent/spool";
import { CommandFailed, flag, listOpt, parse, requireOpt, stringOpt, UsageError, type Parsed } from "../args";
import { userPath } from "../context";

export const AGENT_HELP = `
Usage:
  cellgate agent keygen --out FILE [--key-id ID] [--host HOST] [--profile SLUG…] [--force]
  cellgate agent send --url URL --key FILE --key-id ID --profile SLUG --type TYPE [--attr k=v…] [--events-file JSON]
  cellgate agent run --url URL --key FILE --key-id ID --profile SLUG… --spool DIR [--events JSONL]
                     [--heartbeat-sec 30] [--directives-sec N] [--directives-out FILE]
                     [--platform-key B64] [--on-rollback CMD] [--max-seconds N]
  cellgate agent job --url URL --key FILE --key-id ID --topic TOPIC --profile SLUG [--tenant SLUG]
                     [--risk-tag TAG…] [--label k=v…] [--payload JSON|@file] [--wait SEC]
                     [--directives FILE]

keygen  writes a new Ed25519 private key (PKCS#8 PEM, mode 0600) and prints the
        public key and a registry-manifest snippet (hosts: entry).
send    signs and posts events to POST /api/v1/ingest; prints the answer; exit 1
        when the console refuses them.
run     sends heartbeats, forwards events appended to the JSONL file through a
        durable spool, fetches and verifies the signed directives and writes
        them to --directives-out ("mode": "normal" | "stop-risky"). With
        --on-rollback CMD, a rollback directive is carried out by running CMD
        (sh -c, with CELLGATE_ROLLBACK_ID/_PROFILE/_ENDPOINT/_MANIFEST_DIGEST)
        and, on exit 0, reported as rollback.executed with its duration. Stops
        on SIGTERM/SIGINT (or after --max-seconds); unsent events stay spooled.
job     submits a job to POST /api/v1/jobs (docs/jobs.md), checks the answered
        jobHash equals its own hash of the job, and polls until the status is
        final or --wait seconds (default 300) pass. Prints status and reason;
        exit 0 for ALLOWED or APPROVED, 1 otherwise (also when still pending).
        --tenant defaults to the profile's tenant from the host's directives.
        --directives FILE: refuse to submit when the directives file written by
        \`agent run --directives-out\` is stop-risky, expired, or lists a kill
        switch covering the job.
`;

export async function agentCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${AGENT_HELP.trim()}\n`);
    return;
  }
  try {
    if (sub === "keygen") return keygen(rest);
    if (sub === "send") return await send(rest);
    if (sub === "run") return await run(rest);
    if (sub === "job") return await job(rest);
  } catch (error) {
    if (error instanceof AgentConfigError || error instanceof JobError) throw new CommandFailed(error.message);
    throw error;
  }
  throw new UsageError(sub ? `unknown agent subcommand ${sub}` : "missing subcommand", AGENT_HELP);
}

function keygen(argv: string[]): void {
  const parsed = parse(argv, { out: { type: "string" }, "key-id": { type: "string" }, host: { type: "string" }, profile: { type: "string", multiple: true }, force: { type: "boolean" } }, AGENT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const host = stringOpt(parsed, "host");
  const keyId = stringOpt(parsed, "key-id") ?? defaultKeyId(host, new Date());
  const file = userPath(requireOpt(parsed, "out", AGENT_HELP));
  const written = writeKeyFile(file, { keyId, force: flag(parsed, "force") });
  const snippet = manifestSnippet({ host: host ?? "HOST", keyId, publicKeyBase64: written.publicKeyBase64, profiles: listOpt(parsed, "profile") });
  process.stdout.write(
    [
      `private key written to ${file} (mode 0600) — keep it on the host, never commit it`,
      `key id:     ${keyId}`,
      `public key: ${written.publicKeyBase64}`,
      "",
      "# registry manifest snippet (cellgate registry sync):",
      snippet,
    ].join("\n"),
  );
}

function attributes(parsed: Parsed): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const raw = parsed.values.attr;
  for (const pair of Array.isArray(raw) ? raw : []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--attr ${pair}: expected key=value`, AGENT_HELP);
    const value = pair.slice(eq + 1);
    let parsedValue: unknown = value;
    if (/^(-?\d+(\.\d+)?|true|false|null)$/.test(value)) parsedValue = JSON.parse(value);
    out[pair.slice(0, eq)] = parsedValue;
  }
  return out;
}

function fileEvents(file: string, profile: string | undefined): AgentEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new CommandFailed(`--events-file ${file}: ${(error as Error).message}`);
  }
  const list = Array.isArray(json) ? json : (json as { events?: unknown })?.events;
  if (!Array.isArray(list)) throw new CommandFailed(`--events-file ${file}: expected an array of events or {"events": [...]}`);
  return list.map((e: Record<string, unknown>) => ({
    ...e,
    id: (e.id as string) ?? randomUUID(),
    type: e.type as string,
    profile: (e.profile as string) ?? profile,
    occurredAt: (e.occurredAt as string) ?? new Date().toISOString(),
    attributes: (e.attributes as Record<string, unknown>) ?? {},
  }));
}

const CONNECTION = { url: { type: "string" }, key: { type: "string" }, "key-id": { type: "string" } } as const;

function credentials(parsed: Parsed) {
  const key = readKeyFile(userPath(requireOpt(parsed, "key", AGENT_HELP)), (m) => process.stderr.write(`cellgate: warning: ${m}\n`));
  const url = requireOpt(parsed, "url", AGENT_HELP);
  if (!/^https?:\/\//.test(url)) throw new UsageError("--url must be an http(s) URL", AGENT_HELP);
  return { url, keyId: requireOpt(parsed, "key-id", AGENT_HELP), privateKey: key };
}

async function send(argv: string[]): Promise<void> {
  const options = { ...CONNECTION, profile: { type: "string" }, type: { type: "string" }, attr: { type: "string", multiple: true }, "events-file": { type: "string" } } as const;
  const parsed = parse(argv, options, AGENT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const creds = credentials(parsed);
  const profile = stringOpt(parsed, "profile");
  const eventsFile = stringOpt(parsed, "events-file");
  const events: AgentEvent[] = eventsFile ? fileEvents(userPath(eventsFile), profile) : [];
  if (!eventsFile || stringOpt(parsed, "type")) {
    const type = requireOpt(parsed, "type", AGENT_HELP);
    if (!profile) throw new UsageError("--profile is required", AGENT_HELP);
    events.push({ id: randomUUID(), type, profile, occurredAt: new Date().toISOString(), attributes: attributes(parsed) });
  }
  let exchange;
  try {
    exchange = await signedRequest(creds, "POST", "/api/v1/ingest", JSON.stringify({ events }));
  } catch (error) {
    throw new CommandFailed(`cannot reach ${creds.url}: ${(error as Error).message}`);
  }
  const text = new TextDecoder().decode(exchange.body);
  process.stdout.write(`${exchange.status} ${text}\n`);
  if (exchange.status < 200 || exchange.status >= 300) {
    let detail = text;
    try {
      const problem = JSON.parse(text) as { title?: string; detail?: string };
      detail = [problem.title, problem.detail].filter(Boolean).join(": ") || text;
    } catch {
      // not JSON: print as is
    }
    throw new CommandFailed(`the console refused the events (${exchange.status}): ${detail}`);
  }
}

function positiveInt(parsed: Parsed, name: string, fallback?: number): number | undefined {
  const raw = stringOpt(parsed, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer`, AGENT_HELP);
  return n;
}

async function run(argv: string[]): Promise<void> {
  const options = {
    ...CONNECTION,
    profile: { type: "string", multiple: true },
    spool: { type: "string" },
    events: { type: "string" },
    "heartbeat-sec": { type: "string" },
    "directives-sec": { type: "string" },
    "directives-out": { type: "string" },
    "platform-key": { type: "string" },
    "on-rollback": { type: "string" },
    "max-seconds": { type: "string" },
  } as const;
  const parsed = parse(argv, options, AGENT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const creds = credentials(parsed);
  const profiles = listOpt(parsed, "profile");
  if (profiles.length === 0) throw new UsageError("--profile is required (repeat it for several profiles)", AGENT_HELP);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const events = stringOpt(parsed, "events");
  const out = stringOpt(parsed, "directives-out");
  if (stringOpt(parsed, "on-rollback") && !out) throw new UsageError("--on-rollback needs --directives-out (rollbacks arrive in the signed directives)", AGENT_HELP);
  const summary = await runAgent({
    ...creds,
    profiles,
    spoolDir: userPath(requireOpt(parsed, "spool", AGENT_HELP)),
    eventsFile: events ? userPath(events) : undefined,
    heartbeatSec: positiveInt(parsed, "heartbeat-sec", 30)!,
    directivesSec: positiveInt(parsed, "directives-sec"),
    directivesOut: out ? userPath(out) : undefined,
    platformKey: stringOpt(parsed, "platform-key"),
    onRollback: stringOpt(parsed, "on-rollback"),
    maxSeconds: positiveInt(parsed, "max-seconds"),
    signal: controller.signal,
  });
  process.off("SIGTERM", stop);
  process.off("SIGINT", stop);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

function labels(parsed: Parsed): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = parsed.values.label;
  for (const pair of Array.isArray(raw) ? raw : []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--label ${pair}: expected key=value`, AGENT_HELP);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

function payload(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  const fromFile = raw.startsWith("@");
  let text = raw;
  if (fromFile) {
    try {
      text = fs.readFileSync(userPath(raw.slice(1)), "utf8");
    } catch (error) {
      throw new CommandFailed(`--payload ${raw}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--payload${fromFile ? ` ${raw}` : ""} is not JSON: ${(error as Error).message}`, AGENT_HELP);
  }
}

function describeJob(job: JobAnswer): string {
  const parts = [`job ${job.id}: ${job.status}`];
  if (job.status === "PENDING_APPROVAL") parts.push(`(${job.approvals.approved}/${job.approvals.needed} approvals, expires ${job.expiresAt})`);
  return parts.join(" ");
}

async function job(argv: string[]): Promise<void> {
  const options = {
    ...CONNECTION,
    topic: { type: "string" },
    profile: { type: "string" },
    tenant: { type: "string" },
    "risk-tag": { type: "string", multiple: true },
    label: { type: "string", multiple: true },
    payload: { type: "string" },
    wait: { type: "string" },
    directives: { type: "string" },
  } as const;
  const parsed = parse(argv, options, AGENT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const creds = credentials(parsed);
  const profile = requireOpt(parsed, "profile", AGENT_HELP);
  const rawWait = stringOpt(parsed, "wait");
  const waitSec = rawWait === undefined ? 300 : Number(rawWait);
  if (!Number.isInteger(waitSec) || waitSec < 0) throw new UsageError("--wait must be a whole number of seconds (0: do not wait)", AGENT_HELP);
  const body = jobBody({
    topic: requireOpt(parsed, "topic", AGENT_HELP),
    tenant: stringOpt(parsed, "tenant") ?? (await tenantOfProfile(creds, profile)),
    profile,
    riskTags: listOpt(parsed, "risk-tag"),
    labels: labels(parsed),
    payload: payload(stringOpt(parsed, "payload")),
  });
  let last = "";
  const directives = stringOpt(parsed, "directives");
  const outcome = await submitJob(creds, body, {
    waitSec,
    directives: directives ? userPath(directives) : undefined,
    onPoll: (j) => {
      const line = describeJob(j);
      if (line !== last) process.stdout.write(`${line}\n`);
      last = line;
    },
  });
  const { job: answer } = outcome;
  process.stdout.write(
    [
      `job:     ${answer.id}`,
      `hash:    ${answer.jobHash} (matches the job sent)`,
      `status:  ${answer.status}`,
      `reason:  ${answer.decision.reason}`,
      `rules:   ${answer.decision.ruleIds.join(", ")}`,
      ...(answer.decision.constraints ? [`constraints: ${JSON.stringify(answer.decision.constraints)}`] : []),
      "",
    ].join("\n"),
  );
  if (outcome.runnable) return;
  if (!outcome.final) throw new CommandFailed(`job ${answer.id} is still ${answer.status} after ${waitSec}s; not running it`);
  throw new CommandFailed(`job ${answer.id} is ${answer.status}: ${answer.decision.reason}`);
}
