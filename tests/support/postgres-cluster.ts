/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: Debian's
 * postgresql binaries (installed by scripts/ensure-postgres.sh when missing),
 * initdb into a temp directory, a high port, the socket in that directory,
 * run as the `postgres` user when we are root. Stopped and removed by stop().
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Cluster {
  port: number;
  dir: string;
  /** Admin URL (database "postgres"). */
  url(database?: string): string;
  stop(): void;
}

function pgBinDir(): string {
  const fromEnv = process.env.CELLGATE_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = "/usr/lib/postgresql";
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => fs.existsSync(path.join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], "bin");
  }
  throw new Error(
    "PostgreSQL server binaries not found. Run `bash scripts/ensure-postgres.sh` (installs Debian's postgresql) or set CELLGATE_PG_BIN.",
  );
}

function asPostgres(bin: string, args: string[], opts: { allowFail?: boolean } = {}): void {
  const isRoot = process.getuid?.() === 0;
  const cmd = isRoot ? "runuser" : bin;
  const fullArgs = isRoot ? ["-u", "postgres", "--", bin, ...args] : args;
  const result = spawnSync(cmd, fullArgs, { encoding: "utf8" });
  if (result.status !== 0 && !opts.allowFail) {
    throw new Error(`${path.basename(bin)} ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
}

export function startCluster(port = 54_000 + Math.floor(Math.random() * 1000)): Cluster {
  const bin = pgBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-pg-"));
  const dataDir = path.join(dir, "data");
  fs.mkdirSync(dataDir);
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  asPostgres(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]);
  const opts = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    "-c max_connections=200",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
  ].join(" ");
  asPostgres(path.join(bin, "pg_ctl"), ["-D", dataDir, "-o", opts, "-l", path.join(dir, "log"), "-w", "-t", "60", "start"]);
  let stopped = false;
  const cluster: Cluster = {
    port,
    dir,
    url: (database = "postgres") => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stop() {
      if (stopped) return;
      stopped = true;
      asPostgres(path.join(bin, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "stop"], { allowFail: true });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
