/**
 * PGlite corrupts a data directory that two processes open at once, so the
 * embedded database is guarded by a lock file holding the owner's pid. A
 * second process fails fast with a message that says who holds it; a lock
 * left by a process that no longer exists is taken over.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holderPid: number,
    readonly holderCommand: string,
  ) {
    super(
      `The embedded database in ${dir} is already open by process ${holderPid} (${holderCommand}). ` +
        `PGlite cannot be shared between processes: stop that process first, ` +
        `or set DATABASE_URL to use PostgreSQL.`,
    );
    this.name = "DataDirLockedError";
  }
}

interface LockInfo {
  pid: number;
  host: string;
  command: string;
  since: string;
}

const held = new Map<string, string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireDataDirLock(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lockPath = path.join(dir, "pglite.lock");
  if (held.has(lockPath)) throw new DataDirLockedError(dir, process.pid, "this same process");

  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    command: process.argv.slice(1, 3).map((a) => path.basename(a)).join(" ") || "node",
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(info), { flag: "wx", mode: 0o600 });
      held.set(lockPath, lockPath);
      process.once("exit", () => releaseDataDirLock(lockPath));
      return () => releaseDataDirLock(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder: LockInfo | undefined;
      try {
        holder = JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockInfo;
      } catch {
        holder = undefined; // half-written or unreadable: treat as stale
      }
      if (holder && holder.host === info.host && holder.pid !== process.pid && alive(holder.pid)) {
        throw new DataDirLockedError(dir, holder.pid, holder.command);
      }
      if (holder && holder.host !== info.host) {
        throw new DataDirLockedError(dir, holder.pid, `${holder.command} on ${holder.host}`);
      }
      fs.rmSync(lockPath, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not take the lock ${lockPath}`);
}

export function releaseDataDirLock(lockPath: string): void {
  if (!held.delete(lockPath)) return;
  try {
    const holder = JSON.parse(fs.readFileSync(lockPath, "utf8")) as LockInfo;
    if (holder.pid === process.pid) fs.rmSync(lockPath, { force: true });
  } catch {
    // already gone
  }
}
