/**
 * The CLI's connection to a running console: `cellgate login --url URL`
 * stores the URL and an API token in a 0600 file under the user's config
 * directory; CELLGATE_URL and CELLGATE_TOKEN (a CI pipeline's secrets) take
 * precedence. Every write goes over HTTP(S) to the console's API and through
 * its one pipeline, so it works beside a running embedded console and its
 * receipt names the token's owner and the token.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CommandFailed } from "./args";

export interface Credentials {
  url: string;
  token: string;
}

interface StoredCredentials extends Credentials {
  /** Who the token acted for when it was stored (for `cellgate login` output only). */
  user?: string;
  savedAt?: string;
}

/** ~/.config/cellgate/credentials.json (or $XDG_CONFIG_HOME/cellgate/…; CELLGATE_CONFIG_DIR overrides). */
export function credentialsFile(): string {
  const dir =
    process.env.CELLGATE_CONFIG_DIR ||
    path.join(process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config"), "cellgate");
  return path.join(dir, "credentials.json");
}

export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CommandFailed(`${raw} is not a URL (e.g. http://localhost:3000)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CommandFailed(`${raw}: the console URL must be http:// or https://`);
  return url.origin + url.pathname.replace(/\/+$/, "");
}

export function readStoredCredentials(): StoredCredentials | null {
  const file = credentialsFile();
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new CommandFailed(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const value = JSON.parse(text) as StoredCredentials;
    if (typeof value.url === "string" && typeof value.token === "string") return value;
  } catch {
    // fall through
  }
  throw new CommandFailed(`${file} is not a credentials file written by \`cellgate login\`; remove it and log in again`);
}

export function writeStoredCredentials(credentials: StoredCredentials): string {
  const file = credentialsFile();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  return file;
}

export function removeStoredCredentials(): boolean {
  try {
    fs.unlinkSync(credentialsFile());
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** The console and token to use: CELLGATE_URL / CELLGATE_TOKEN, else what `cellgate login` stored. */
export function consoleCredentials(): Credentials {
  const envUrl = process.env.CELLGATE_URL;
  const envToken = process.env.CELLGATE_TOKEN;
  const stored = envUrl && envToken ? null : readStoredCredentials();
  const url = envUrl || stored?.url;
  const token = envToken || stored?.token;
  if (!url || !token) {
    throw new CommandFailed(
      "not logged in to a console: run `cellgate login --url URL` (or set CELLGATE_URL and CELLGATE_TOKEN)",
    );
  }
  return { url: normalizeUrl(url), token: token.trim() };
}

/** An RFC 9457 problem the console answered with. */
export class ConsoleProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: { type?: string; title?: string; detail?: string; errors?: Record<string, string[]>; permission?: string; reason?: string },
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = "ConsoleProblem";
  }
}

const TIMEOUT_MS = 10 * 60_000;

/**
 * One request to the console API, JSON in and out. An unreachable console is
 * one clear line (exit 1); a problem answer is thrown as ConsoleProblem for
 * the command to word (or `describeProblem` to print as is).
 */
export async function callConsole<T>(
  credentials: Credentials,
  method: "GET" | "POST",
  apiPath: string,
  body?: unknown,
): Promise<T> {
  const { response, text, url } = await send(credentials, method, apiPath, body, "application/json");
  let value: unknown = null;
  try {
    value = text ? JSON.parse(text) : null;
  } catch {
    throw new CommandFailed(`${url} answered HTTP ${response.status} with something that is not JSON; is ${credentials.url} a Cellgate console?`);
  }
  if (!response.ok) throw new ConsoleProblem(response.status, (value ?? {}) as ConsoleProblem["problem"]);
  return value as T;
}

/** A GET whose answer is text (a signed note); a problem answer is thrown as ConsoleProblem. */
export async function fetchConsoleText(credentials: Credentials, apiPath: string): Promise<string> {
  const { response, text } = await send(credentials, "GET", apiPath, undefined, "text/plain");
  if (!response.ok) {
    let problem: ConsoleProblem["problem"] = {};
    try {
      problem = JSON.parse(text) as ConsoleProblem["problem"];
    } catch {
      problem = { detail: `HTTP ${response.status}` };
    }
    throw new ConsoleProblem(response.status, problem);
  }
  return text;
}

async function send(credentials: Credentials, method: "GET" | "POST", apiPath: string, body: unknown, accept: string): Promise<{ response: Response; text: string; url: string }> {
  const url = `${credentials.url}${apiPath}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${credentials.token}`,
        Accept: accept,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new CommandFailed(`cannot reach the console at ${credentials.url} (${why}); nothing was changed`);
  }
  return { response, text: await response.text(), url };
}

/** A console refusal as the one line the CLI prints (exit 1). */
export function describeProblem(error: ConsoleProblem, credentials: Credentials): string {
  const { status, problem } = error;
  const detail = problem.detail ?? problem.title ?? "refused";
  if (status === 401) {
    return `the console at ${credentials.url} refused the API token (${problem.reason ?? "unauthenticated"}): ${detail} Run \`cellgate login --url ${credentials.url}\` with a valid token.`;
  }
  if (status === 403) return `forbidden${problem.permission ? ` (needs ${problem.permission})` : ""}: ${detail}; nothing was changed`;
  if (status === 503) return `the console's database is unavailable right now (${detail}); nothing was changed, try again`;
  const fields = Object.entries(problem.errors ?? {}).flatMap(([field, messages]) => messages.map((m) => `  ${field}: ${m}`));
  return [`${detail}${status >= 500 ? "" : "; nothing was changed"}`, ...fields].join("\n");
}

/** The pipeline's answer to a read or a write. */
export interface PipelineAnswer<T> {
  ok: true;
  data: T;
  receipt: { id: string; auditSeq: number | null; actor: string; tokenId: string | null } | null;
  /** Who the request acted as: the token's owner. */
  actor: { email: string | null; tokenId: string | null };
}

/** Where a write came from, for the receipt: "cli:alice@laptop". */
export function origin(): string {
  let user = "unknown";
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env.USER ?? "unknown";
  }
  return `cli:${user}@${os.hostname()}`;
}

/** Run `fn` with the console's credentials; a refusal becomes one printed line and exit 1. */
export async function withConsole<T>(fn: (credentials: Credentials) => Promise<T>): Promise<T> {
  const credentials = consoleCredentials();
  try {
    return await fn(credentials);
  } catch (error) {
    if (error instanceof ConsoleProblem) throw new CommandFailed(describeProblem(error, credentials));
    throw error;
  }
}
