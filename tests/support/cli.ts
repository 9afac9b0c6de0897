/**
 * Runs the real CLI (bin/cellgate.mjs) as a child process, with an
 * environment that holds none of the caller's Cellgate settings except the
 * ones given. Never throws on a non-zero exit.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

export const REPO_ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string | undefined> = {}, cwd = REPO_ROOT): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) {
    if (key.startsWith("CELLGATE_") || key === "DATABASE_URL") delete childEnv[key];
  }
  Object.assign(childEnv, env);
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(REPO_ROOT, "bin/cellgate.mjs"), ...args], {
      env: childEnv,
      cwd,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}
