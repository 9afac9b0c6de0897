/** Helpers for files that must survive a crash (agent spool, generated keys). */
import fs from "node:fs";

/**
 * fsync a directory so a rename or link into it is durable. Not every
 * platform can fsync a directory; the rename or link itself stays atomic.
 */
export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // best effort, see above
  }
}
