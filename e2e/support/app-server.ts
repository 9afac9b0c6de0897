/**
 * Starts and stops the BUILT console (`next start`, or `bash scripts/start.sh`)
 * as a child process in its own process group, for the end-to-end setup and
 * the embedded-server integration test. Output goes to a log file whose tail
 * is quoted when something goes wrong.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface AppProcess {
  url: string;
  pid: number;
  logFile: string;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`; resolves when every process of it is gone. */
  stop(graceMs?: number): Promise<void>;
  exited(): boolean;
  exitCode(): number | null;
}

export interface StartOptions {
  port: number;
  env: Record<string, string | undefined>;
  logFile: string;
  /**
   * "next": `next start` directly; "serve": `node scripts/serve.mjs` (what
   * start.sh ends with: several console processes on PostgreSQL, see
   * CELLGATE_WORKERS); "start-script": `bash scripts/start.sh` (migrate, seed, serve).
   */
  via?: "next" | "serve" | "start-script";
}

export function assertBuilt(): void {
  // The marker scripts/lib/common.sh writes once `next build` has run to the end.
  if (!fs.existsSync(path.join(REPO_ROOT, ".next", "cellgate-build-complete"))) {
    throw new Error("The console is not built (no .next/cellgate-build-complete): run `bash scripts/test.sh build`.");
  }
}

export function startApp(options: StartOptions): AppProcess {
  assertBuilt();
  fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = fs.openSync(options.logFile, "w");
  const [cmd, args] =
    options.via === "start-script"
      ? ["bash", [path.join(REPO_ROOT, "scripts", "start.sh")]]
      : options.via === "serve"
        ? [process.execPath, [path.join(REPO_ROOT, "scripts", "serve.mjs"), "-p", String(options.port), "-H", "127.0.0.1"]]
        : [process.execPath, [path.join(REPO_ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(options.port), "-H", "127.0.0.1"]];
  const child = spawn(cmd, args, {
    cwd: REPO_ROOT,
    env: { ...options.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PORT: String(options.port) },
    stdio: ["ignore", log, log],
    detached: true, // own process group: stop() reaches npx and its children too
  });
  fs.closeSync(log);
  let code: number | null = null;
  let done = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (c, signal) => {
      code = c ?? (signal ? 128 : null);
      done = true;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${cmd}`);
  return {
    url: `http://127.0.0.1:${options.port}`,
    pid,
    logFile: options.logFile,
    exited: () => done,
    exitCode: () => code,
    async stop(graceMs = 15_000) {
      // SIGTERM reaches every process of the group (bash, npx, next-server), so the
      // server shuts down itself and releases the PGlite lock; SIGKILL only if it hangs.
      signalGroup(pid, "SIGTERM");
      const deadline = Date.now() + graceMs;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
      if (groupAlive(pid)) {
        signalGroup(pid, "SIGKILL");
        while (groupAlive(pid)) await sleep(100);
      }
      await exit;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while any process of the group still exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Polls `url` until it answers `status` (default 200); fails early when the process died. */
export async function waitForStatus(
  app: AppProcess,
  urlPath: string,
  options: { status?: number; timeoutMs?: number } = {},
): Promise<Response> {
  const want = options.status ?? 200;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (app.exited()) throw new Error(`the app exited (code ${app.exitCode()}) before ${urlPath} answered ${want}.\n${tail(app.logFile)}`);
    try {
      const res = await fetch(app.url + urlPath, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
      if (res.status === want) return res;
      last = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${app.url}${urlPath} did not answer ${want} in time (last: ${last}).\n${tail(app.logFile)}`);
}

export function tail(file: string, lines = 40): string {
  try {
    const text = fs.readFileSync(file, "utf8").trimEnd().split("\n");
    return `--- last lines of ${file} ---\n${text.slice(-lines).join("\n")}`;
  } catch {
    return `(no log at ${file})`;
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Throws when something already listens on `port` (e.g. another e2e run). */
export async function assertPortFree(port: number): Promise<void> {
  const inUse = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
  if (inUse) throw new Error(`port ${port} is already in use (another end-to-end run?); stop it or set E2E_APP_PORT.`);
}
