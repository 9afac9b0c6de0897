/**
 * Environment, validated once. Every variable the console reads is listed
 * here (and in the README).
 */
import path from "node:path";
import { z } from "zod";
import { invalidAllowedHosts } from "./domain/http/redirect-host";
import { parseSyslogAddress, siemWebhookUrlProblem } from "./domain/siem/config";

const ZEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  CELLGATE_DATA_DIR: z.string().min(1).default("./.cellgate"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgresql:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  /** Further hosts the console answers on, comma-separated `host[:port]` or `https://host[:port]`: sign-in and sign-out return to the host used when it is one of them (NEXTAUTH_URL's host and, for a loopback NEXTAUTH_URL, the other loopback names are always allowed). */
  CELLGATE_ALLOWED_HOSTS: z
    .string()
    .optional()
    .refine((v) => invalidAllowedHosts(v).length === 0, { message: "CELLGATE_ALLOWED_HOSTS must list host[:port] or http(s)://host[:port] entries, comma-separated" }),
  CELLGATE_DEMO_PASSWORD: z.string().min(8).optional(),
  /** Idle timeout of a console session, minutes. */
  CELLGATE_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  /** Absolute lifetime of a console session, hours. */
  CELLGATE_SESSION_MAX_HOURS: z.coerce.number().int().positive().default(12),
  /** Trust X-Forwarded-For for the client address (only behind a proxy you run). */
  CELLGATE_TRUST_PROXY: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  /** Platform signing key (Ed25519 PKCS8 PEM) as a secret reference: "file:/path" or "env:VAR". Generated into the data dir when unset. */
  CELLGATE_PLATFORM_KEY: z.string().min(1).optional(),
  /** Lifetime of a signed directives document, seconds ("one directive period"). */
  CELLGATE_DIRECTIVE_TTL_SEC: z.coerce.number().int().min(5).max(3600).default(60),
  CELLGATE_OIDC_ISSUER: z.string().url().optional(),
  CELLGATE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Secret reference: "file:/path", "env:VAR", or the literal value. */
  CELLGATE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  CELLGATE_OIDC_NAME: z.string().min(1).default("Single sign-on"),
  /** Claim holding group names (default "groups"). */
  CELLGATE_OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
  /** "group=tenant:role,group2=*:platform_admin" */
  CELLGATE_OIDC_GROUP_MAP: z.string().default(""),
  /** Seconds between signed audit checkpoints (taken also when nothing happened). */
  CELLGATE_CHECKPOINT_INTERVAL_SEC: z.coerce.number().int().min(10).max(86_400).default(300),
  /**
   * Votes on jobs of this risk tier or higher (and every promotion approval)
   * must be signed with the voter's passkey; "off" asks for none.
   */
  CELLGATE_PASSKEY_MIN_TIER: z.enum(["L0", "L1", "L2", "L3", "L4", "L5", "off"]).default("L2"),
  /**
   * The audit log's origin line in its C2SP checkpoints (the log's name to
   * witnesses: set it once and keep it). Default: NEXTAUTH_URL's host + "/audit".
   */
  CELLGATE_LOG_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/, "CELLGATE_LOG_ORIGIN must be a name without white space or \"+\" (e.g. console.example.com/audit)")
    .optional(),
  /**
   * How long a write waits after commit for the sequencer to integrate its
   * audit leaf (so its receipt names its sequence number) before answering
   * with the receipt "pending seal". 0 answers at once.
   */
  CELLGATE_AUDIT_SEAL_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Seconds between budget checks (alerts at 80 % and 100 % of monthly budgets); every replica may check. */
  CELLGATE_BUDGET_CHECK_SEC: z.coerce.number().int().min(5).max(86_400).default(60),
  /** Where new pending jobs are announced (Slack-compatible JSON, Standard Webhooks signature). Unset: no webhook. */
  CELLGATE_WEBHOOK_URL: z
    .string()
    .url()
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Standard Webhooks secret ("whsec_<base64>") as a secret reference: "file:/path", "env:VAR", or the literal value. */
  CELLGATE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Bearer token Prometheus sends to GET /api/metrics, as a secret reference: "file:/path", "env:VAR", or the literal value (at least 16 characters). Unset: only signed-in platform admins may read metrics. */
  CELLGATE_METRICS_TOKEN: z.string().min(1).optional().or(z.literal("").transform(() => undefined)),
  /** Host API requests (ingest, jobs, directives) one console process runs at once; beyond it they wait (lib/server/admission.ts). */
  CELLGATE_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(16),
  /** Milliseconds a host request may wait for a slot before it is answered 503 + Retry-After (0: never wait). */
  CELLGATE_QUEUE_BUDGET_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  // --- SIEM export (docs/siem-export.md): every audit entry as OCSF JSON, at least once, from a cursor per sink. Unset: that sink is off.
  /** Webhook sink: an https:// URL (http:// only to a loopback address); each batch is one POST signed per Standard Webhooks. */
  CELLGATE_SIEM_WEBHOOK_URL: z
    .string()
    .url("CELLGATE_SIEM_WEBHOOK_URL must be a URL")
    .refine((v) => siemWebhookUrlProblem(v) === null, { message: "CELLGATE_SIEM_WEBHOOK_URL must be https:// (http:// only to localhost or a loopback address)" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** The webhook sink's Standard Webhooks secret ("whsec_<base64>") as a secret reference: "file:/path", "env:VAR", or the literal value. Required with the URL. */
  CELLGATE_SIEM_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Syslog sink (RFC 5424, octet-counted): "tcp://host:port" or "tls://host:port". */
  CELLGATE_SIEM_SYSLOG: z
    .string()
    .refine((v) => parseSyslogAddress(v) !== null, { message: 'CELLGATE_SIEM_SYSLOG must be "tcp://host:port" or "tls://host:port"' })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** PEM file of the CA(s) that sign the syslog server's certificate (tls:// only; default: the system's CAs). */
  CELLGATE_SIEM_SYSLOG_CA: z.string().min(1).optional(),
  /** OTLP/HTTP logs sink: the full logs endpoint, e.g. http://collector:4318/v1/logs (OTLP JSON). */
  CELLGATE_SIEM_OTLP_URL: z
    .string()
    .url("CELLGATE_SIEM_OTLP_URL must be a URL")
    .regex(/^https?:\/\//, "CELLGATE_SIEM_OTLP_URL must be an http:// or https:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Entries per delivered batch. */
  CELLGATE_SIEM_BATCH: z.coerce.number().int().min(1).max(1_000).default(100),
  /** Milliseconds between delivery ticks (each tick drains what is due). */
  CELLGATE_SIEM_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
}).superRefine((e, ctx) => {
  if (e.CELLGATE_SIEM_WEBHOOK_URL && !e.CELLGATE_SIEM_WEBHOOK_SECRET) {
    ctx.addIssue({ code: "custom", path: ["CELLGATE_SIEM_WEBHOOK_SECRET"], message: "CELLGATE_SIEM_WEBHOOK_SECRET is required when CELLGATE_SIEM_WEBHOOK_URL is set (events are signed)" });
  }
  if (e.CELLGATE_SIEM_SYSLOG_CA && !e.CELLGATE_SIEM_SYSLOG?.startsWith("tls://")) {
    ctx.addIssue({ code: "custom", path: ["CELLGATE_SIEM_SYSLOG_CA"], message: "CELLGATE_SIEM_SYSLOG_CA applies only to a tls:// CELLGATE_SIEM_SYSLOG" });
  }
});

export type Env = z.infer<typeof ZEnv>;

let cached: Env | undefined;

export function env(): Env {
  if (!cached) {
    const parsed = ZEnv.safeParse(process.env);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
      throw new Error(`Invalid environment:\n${lines.join("\n")}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}

export function dataDir(): string {
  return path.resolve(env().CELLGATE_DATA_DIR);
}

export function databaseKind(): "postgresql" | "pglite" {
  return env().DATABASE_URL ? "postgresql" : "pglite";
}
