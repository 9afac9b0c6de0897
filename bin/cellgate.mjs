#!/usr/bin/env node
/**
 * `npx cellgate …` — re-executes node on cli/main.ts with the react-server
 * condition (lib/server modules import "server-only") and tsx, from the repo
 * root (so tsconfig paths and prisma/migrations resolve), passing arguments,
 * stdio and the exit code through. Relative paths the user typed are resolved
 * against the directory they ran the command in (CELLGATE_INVOKE_CWD).
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const invokeCwd = process.env.CELLGATE_INVOKE_CWD || process.cwd();
const env = { ...process.env, CELLGATE_INVOKE_CWD: invokeCwd };
if (env.CELLGATE_DATA_DIR && !path.isAbsolute(env.CELLGATE_DATA_DIR)) {
  env.CELLGATE_DATA_DIR = path.resolve(invokeCwd, env.CELLGATE_DATA_DIR);
}
env.NEXT_TELEMETRY_DISABLED ??= "1";

// A larger young generation: `audit verify`, checkpoints and packets make
// millions of short-lived strings, and 64 MiB semi-spaces halve the time spent
// in scavenges (npm run bench:audit runs with the same flag).
const child = spawn(
  process.execPath,
  ["--max-semi-space-size=64", "--conditions=react-server", "--import", "tsx", path.join(root, "cli", "main.ts"), ...process.argv.slice(2)],
  { cwd: root, env, stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("error", (error) => {
  console.error(`cellgate: could not start node: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  process.exit(signal ? 128 + (constants.signals[signal] ?? 1) : (code ?? 1));
});
