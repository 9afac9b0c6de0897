/**
 * `cellgate agent job`: submit a job over signed HTTP (POST /api/v1/jobs),
 * check that the console hashed exactly what was sent (its jobHash must equal
 * our own RFC 8785 hash of the body), then poll GET /api/v1/jobs/{id} until
 * the status is final or the wait runs out. Only ALLOWED and APPROVED may run.
 */
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

export interface WaitOptions {
  /** Seconds to keep polling a pending job (0: do not poll). */
  waitSec: number;
  /** Poll interval, ms (default 2000). */
  pollMs?: number;
  onPoll?: (job: JobAnswer) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
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
