/**
 * Backstop for global-setup's own teardown: whatever .tmp/e2e/state.json
 * still lists (the app's process group, the PostgreSQL cluster) is stopped.
 * Idempotent; does nothing when setup already cleaned up.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { signalGroup } from "./app-server";
import { STATE_FILE, type E2EState } from "./global-setup";

export default async function globalTeardown(): Promise<void> {
  if (!fs.existsSync(STATE_FILE)) return;
  const state = JSON.parse(fs.readFileSync(STATE_FILE, "utf8")) as E2EState;
  if (state.appPid) signalGroup(state.appPid, "SIGKILL");
  if (state.cluster) {
    const dataDir = path.join(state.cluster.dir, "data");
    const pgCtl = findPgCtl();
    if (pgCtl && fs.existsSync(dataDir)) {
      const asRoot = process.getuid?.() === 0;
      const args = ["-D", dataDir, "-m", "immediate", "-w", "stop"];
      spawnSync(asRoot ? "runuser" : pgCtl, asRoot ? ["-u", "postgres", "--", pgCtl, ...args] : args, { stdio: "ignore" });
    }
    fs.rmSync(state.cluster.dir, { recursive: true, force: true });
  }
  fs.rmSync(STATE_FILE, { force: true });
}

function findPgCtl(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (process.env.CELLGATE_PG_BIN) return path.join(process.env.CELLGATE_PG_BIN, "pg_ctl");
  if (!fs.existsSync(root)) return undefined;
  const version = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return version ? path.join(root, version, "bin", "pg_ctl") : undefined;
}
