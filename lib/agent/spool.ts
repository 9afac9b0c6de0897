/**
 * The durable local spool: every event the agent means to deliver is first
 * appended (and fsynced) to `<dir>/spool.jsonl`; it leaves the spool only
 * after a 202 that covers it (the file is rewritten without it: temp file,
 * fsync, rename). A crash can leave a partial last line; it is dropped on
 * open (it was never acknowledged to anyone, and its source line is re-read
 * because the cursor is only advanced after the append). Event ids are
 * stable, so redelivering an event the console already has is harmless.
 */
import fs from "node:fs";
import path from "node:path";
import type { IngestEventInput } from "@/lib/domain/ingest/types";
import { fsyncDir } from "@/lib/durable-fs";

/** An event as the agent delivers it: exactly the ingest envelope. */
export type AgentEvent = IngestEventInput;

export const SPOOL_FILE = "spool.jsonl";


/** Writes `text` to `file` atomically: temp file in the same directory, fsync, rename. */
export function writeFileAtomic(file: string, text: string, mode = 0o600): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, "w", mode);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(dir);
}

function isEvent(value: unknown): value is AgentEvent {
  if (!value || typeof value !== "object") return false;
  const e = value as Record<string, unknown>;
  return typeof e.id === "string" && typeof e.type === "string" && typeof e.profile === "string";
}

export class Spool {
  private readonly file: string;
  private readonly events = new Map<string, AgentEvent>();
  /** Lines that were not valid events when the spool was opened (kept out of delivery). */
  readonly skippedOnOpen: number;
  /** Bytes of a partial last line dropped when the spool was opened. */
  readonly droppedPartialBytes: number;

  private constructor(readonly dir: string, loaded: { events: AgentEvent[]; skipped: number; dropped: number }) {
    this.file = path.join(dir, SPOOL_FILE);
    for (const event of loaded.events) this.events.set(event.id, event);
    this.skippedOnOpen = loaded.skipped;
    this.droppedPartialBytes = loaded.dropped;
  }

  static open(dir: string): Spool {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, SPOOL_FILE);
    let text = "";
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const complete = text.lastIndexOf("\n") + 1;
    const dropped = Buffer.byteLength(text.slice(complete));
    if (dropped > 0) {
      // Cut the partial tail so the next append starts on a fresh line.
      fs.truncateSync(file, Buffer.byteLength(text.slice(0, complete)));
    }
    const events: AgentEvent[] = [];
    let skipped = 0;
    for (const line of text.slice(0, complete).split("\n")) {
      if (!line.trim()) continue;
      try {
        const value: unknown = JSON.parse(line);
        if (isEvent(value)) events.push(value);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    return new Spool(dir, { events, skipped, dropped });
  }

  get size(): number {
    return this.events.size;
  }

  has(id: string): boolean {
    return this.events.has(id);
  }

  /** Appends the events not already spooled; durable (fsync) before it returns. Returns how many were added. */
  append(events: AgentEvent[]): number {
    const fresh: AgentEvent[] = [];
    const seen = new Set<string>();
    for (const event of events) {
      if (this.events.has(event.id) || seen.has(event.id)) continue;
      seen.add(event.id);
      fresh.push(event);
    }
    if (fresh.length === 0) return 0;
    const fd = fs.openSync(this.file, "a", 0o600);
    try {
      fs.writeSync(fd, fresh.map((e) => `${JSON.stringify(e)}\n`).join(""));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    for (const event of fresh) this.events.set(event.id, event);
    return fresh.length;
  }

  /** The oldest events, at most `limit` of them and (serialized) at most `maxBytes`. */
  peek(limit: number, maxBytes = Infinity): AgentEvent[] {
    const out: AgentEvent[] = [];
    let bytes = 0;
    for (const event of this.events.values()) {
      if (out.length >= limit) break;
      const size = Buffer.byteLength(JSON.stringify(event)) + 1;
      if (out.length > 0 && bytes + size > maxBytes) break;
      out.push(event);
      bytes += size;
    }
    return out;
  }

  /** Removes acknowledged events (atomic rewrite of the spool file). */
  remove(ids: Iterable<string>): number {
    let removed = 0;
    for (const id of ids) if (this.events.delete(id)) removed++;
    if (removed > 0) {
      writeFileAtomic(this.file, [...this.events.values()].map((e) => `${JSON.stringify(e)}\n`).join(""));
    }
    return removed;
  }
}
