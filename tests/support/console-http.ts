/**
 * Talking to the BUILT console the way a browser does, for tests from the
 * outside: signing in with a password (next-auth's CSRF token, then the
 * credentials callback), and invoking a server action by its id from the
 * build's server-reference manifest, with the headers a browser would send
 * (or the forged ones an attacking page would).
 */
import fs from "node:fs";
import path from "node:path";
import { hashPassword } from "../../lib/server/passwords";
import type { Db } from "../../lib/db";

export type Cookies = string;

/** Gives the user `email` a password (the console signs in with argon2id hashes). */
export async function setPassword(prisma: Db, email: string, password: string): Promise<void> {
  await prisma.user.update({ where: { email }, data: { passwordHash: await hashPassword(password) } });
}

function collect(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
}

export interface SignedIn {
  cookie: Cookies;
  /** The Set-Cookie line of the session cookie, attributes included. */
  sessionCookieLine: string;
}

/** Signs in through next-auth's credentials endpoint; throws unless a session cookie was set. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<SignedIn> {
  const jar = new Map<string, string>();
  const csrfResponse = await fetch(`${baseUrl}/api/auth/csrf`);
  collect(jar, csrfResponse);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${baseUrl}/` }),
  });
  collect(jar, response);
  const sessionCookieLine = response.headers.getSetCookie().find((l) => l.includes("session-token")) ?? "";
  if (!sessionCookieLine) throw new Error(`sign-in as ${email} set no session cookie (HTTP ${response.status})`);
  return { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "), sessionCookieLine };
}

/** The id of server action `exportedName` in `file` (e.g. "app/(console)/approvals/[id]/actions.ts"), from the build. */
export function serverActionId(file: string, exportedName: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(process.cwd(), ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename?: string; exportedName?: string }>;
  };
  const found = Object.entries(manifest.node).find(([, v]) => v.filename === file && v.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in ${file} in the build (run next build)`);
  return found[0];
}

/**
 * POSTs a server action to `page` as React's client does: the arguments as a
 * JSON array in a text/plain body. `headers` override the browser's
 * (Origin = the console, Sec-Fetch-Site same-origin) — pass `Origin: null` to drop it.
 */
export async function postAction(
  baseUrl: string,
  page: string,
  actionId: string,
  body: string,
  options: { cookie?: Cookies; headers?: Record<string, string | null>; contentType?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "Next-Action": actionId,
    "Content-Type": options.contentType ?? "text/plain;charset=UTF-8",
    Accept: "text/x-component",
    Origin: baseUrl,
    "Sec-Fetch-Site": "same-origin",
    ...(options.cookie ? { cookie: options.cookie } : {}),
  };
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    if (v === null) delete headers[k];
    else headers[k] = v;
  }
  return fetch(`${baseUrl}${page}`, { method: "POST", headers, body, redirect: "manual" });
}

/** The action's return value from an RSC answer (the row holding `"ok":`), or null. */
export function actionResult(text: string): { ok: boolean; error?: { code: string; message: string } } | null {
  for (const line of text.split("\n")) {
    const match = /^[0-9a-f]+:(\{"ok":.*)$/.exec(line);
    if (match) return JSON.parse(match[1]!) as { ok: boolean; error?: { code: string; message: string } };
  }
  return null;
}
