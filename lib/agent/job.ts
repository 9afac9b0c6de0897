/**
 * `cellgate agent job`: submit a job over signed HTTP (POST /api/v1/jobs),
 * check that the console hashed exactly what was sent (its jobHash must equal
 * our own RFC 8785 hash of the body), then poll GET /api/v1/jobs/{id} until
 * the status is final or the wait runs out. Only ALLOWED and APPROVED may run.
 *
 * With `directives` (the file `agent run --directives-out` keeps), nothing is
 * sent unless the last verified directives are current ("normal" mode, not
 * expired) and list no kill switch covering the job (checkDirectives).
 */
import fs from "node:fs";
import { z } from "zod";
import { capabilityMatches } from "@/lib/domain/killswitch";
import { canonicalJob, FINAL_STATUSES, RUNNABLE_STATUSES, ZJobBody, type JobBody, type JobStatus } from "@/lib/domain/jobs";
import { describeProblem, signedRequest, type HostCredentials, type SignedExchange } from "./client";
import { parseRetryAfter } from "./backoff";

export class JobError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = "JobError";
  }
}

/** What the console answers (docs/jobs.md), as far as the agent relies on it. */
export interface JobAnswer {
  id: string;
  status: JobStatus;
  jobHash: string;
  decision: { decision: string; ruleIds: string[]; reason: string; constraints: Record<string, unknown> | null };
  approvals: { needed: number; approved: number };
  expiresAt: string | null;
}

export interface JobOutcome {
  job: JobAnswer;
  /** Our own hash of the body sent (equal to job.jobHash, or submitJob throws). */
  jobHash: string;
  final: boolean;
  runnable: boolean;
}

/** The parts of the directives file (lib/agent/directives.ts) the check relies on. */
const ZDirectivesFileView = z.object({
  mode: z.enum(["normal", "stop-risky"]),
  reason: z.string().nullable(),
  expiresAt: z.string().nullable(),
  directives: z
    .object({
      killSwitches: z.array(
        z.object({
          id: z.string(),
          scope: z.string(),
          target: z.string().nullable(),
          capability: z.string().optional(),
          match: z.object({ topics: z.array(z.string()), riskTags: z.array(z.string()) }).optional(),
          reason: z.string(),
        }),
      ),
    })
    .nullable(),
});
type SwitchDirective = NonNullable<z.infer<typeof ZDirectivesFileView>["directives"]>["killSwitches"][number];

/**
 * Does a directive's switch cover the job? `scope` + `target` give its reach
 * (global, a tenant slug, a profile slug); `match`, when present (capability
 * switches), narrows it to jobs whose topic matches one of its globs or that
 * carry one of its risk tags. An unknown scope covers everything (fail safe).
 */
export function directiveCovers(sw: SwitchDirective, job: Pick<JobBody, "tenant" | "profile" | "topic" | "riskTags">): boolean {
  let inReach: boolean;
  if (sw.scope === "tenant") inReach = sw.target === job.tenant;
  else if (sw.scope === "profile") inReach = sw.target === job.profile;
  else inReach = true;
  if (!inReach || !sw.match) return inReach;
  if (sw.match.topics.includes("**")) return true;
  const capability = { id: sw.capability ?? "", label: "", description: "", topics: sw.match.topics, riskTags: sw.match.riskTags };
  return capabilityMatches(capability, { topic: job.topic, riskTags: job.riskTags });
}

/**
 * Why the host must not submit this job according to its directives file, or
 * null when it may. Refuses when the file is missing or unreadable, in
 * stop-risky mode, expired, or when a kill switch in it covers the job.
 */
export function checkDirectives(file: string, job: Pick<JobBody, "tenant" | "profile" | "topic" | "riskTags">, now: Date): string | null {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (error) {
    return `cannot read the directives file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); run \`agent run --directives-out\` first`;
  }
  let parsed: z.infer<typeof ZDirectivesFileView>;
  try {
    parsed = ZDirectivesFileView.parse(JSON.parse(raw));
  } catch (error) {
    return `the directives file ${file} is not a directives file: ${(error as Error).message.split("\n")[0]}`;
  }
  if (parsed.mode !== "normal") return `directives say stop risky actions: ${parsed.reason ?? "no reason given"}`;
  if (!parsed.directives || !parsed.expiresAt) return "no verified directives yet";
  const expires = Date.parse(parsed.expiresAt);
  if (!Number.isFinite(expires) || expires <= now.getTime()) return `directives expired at ${parsed.expiresAt}; stop risky actions until fresh ones arrive`;
  const covering = parsed.directives.killSwitches.filter((sw) => directiveCovers(sw, job));
  if (covering.length === 0) return null;
  return covering.map((sw) => `kill switch ${sw.id} (${sw.scope}${sw.target ? ` ${sw.target}` : ""}${sw.capability ? `, ${sw.capability}` : ""}) is engaged: ${sw.reason}`).join("; ");
}

export interface WaitOptions {
  /** Seconds to keep polling a pending job (0: do not poll). */
  waitSec: number;
  /** Poll interval, ms (default 2000). */
  pollMs?: number;
  onPoll?: (job: JobAnswer) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** The directives file to obey: when set, a covered job, or stale / stop-risky directives, are refused before sending. */
  directives?: string;
}

function json(exchange: SignedExchange): unknown {
  const text = new TextDecoder().decode(exchange.body);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function exchange(creds: HostCredentials, method: "GET" | "POST", path: string, body?: string): Promise<SignedExchange> {
  try {
    return await signedRequest(creds, method, path, body);
  } catch (error) {
    throw new JobError(`cannot reach ${creds.url}: ${(error as Error).message}`);
  }
}

/** The tenant of a bound profile, from the host's directives (when --tenant is not given). */
export async function tenantOfProfile(creds: HostCredentials, profile: string): Promise<string> {
  const answer = await exchange(creds, "GET", "/api/v1/directives");
  const body = json(answer) as { profiles?: Array<{ slug?: unknown; tenant?: unknown }> };
  if (answer.status !== 200) throw new JobError(`cannot look up the tenant of ${profile} (${answer.status}): ${describeProblem(body)}`, answer.status);
  const match = body.profiles?.find((p) => p.slug === profile);
  if (!match || typeof match.tenant !== "string") throw new JobError(`this host is not bound to profile "${profile}"`);
  return match.tenant;
}

/** Validates the body as the console will (same schema), so mistakes are reported before anything is sent. */
export function jobBody(input: unknown): JobBody {
  const parsed = ZJobBody.safeParse(input);
  if (!parsed.success) {
    throw new JobError(`invalid job: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

export async function submitJob(creds: HostCredentials, body: JobBody, options: WaitOptions): Promise<JobOutcome> {
  const { jobHash } = canonicalJob(body);
  if (options.directives) {
    const refusal = checkDirectives(options.directives, body, new Date(options.now?.() ?? Date.now()));
    if (refusal) throw new JobError(`not submitting the job: ${refusal}`);
  }
  const answer = await exchange(creds, "POST", "/api/v1/jobs", JSON.stringify(body));
  const submitted = json(answer) as JobAnswer;
  if (answer.status !== 201) throw new JobError(`the console refused the job (${answer.status}): ${describeProblem(submitted)}`, answer.status);
  if (submitted.jobHash !== jobHash) {
    throw new JobError(`the console hashed a different job: it answered ${submitted.jobHash}, the job sent hashes to ${jobHash}; not running it`);
  }
  let job = submitted;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.waitSec * 1000;
  while (!FINAL_STATUSES.has(job.status) && now() < deadline) {
    await sleep(Math.max(0, Math.min(options.pollMs ?? 2000, deadline - now())));
    const polled = await exchange(creds, "GET", `/api/v1/jobs/${encodeURIComponent(job.id)}`);
    const body = json(polled);
    if (polled.status === 429 || polled.status >= 500) {
      const retry = parseRetryAfter(polled.headers.get("retry-after"), new Date());
      if (retry) await sleep(Math.min(retry * 1000, Math.max(0, deadline - now())));
      continue;
    }
    if (polled.status !== 200) throw new JobError(`cannot read job ${job.id} (${polled.status}): ${describeProblem(body)}`, polled.status);
    const next = body as JobAnswer;
    if (next.jobHash !== jobHash) throw new JobError(`job ${job.id} now has hash ${next.jobHash}, not ${jobHash}; not running it`);
    job = next;
    options.onPoll?.(job);
  }
  return { job, jobHash, final: FINAL_STATUSES.has(job.status), runnable: RUNNABLE_STATUSES.has(job.status) };
}
