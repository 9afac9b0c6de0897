/**
 * Tailing the events file (JSONL, one event per line). Only complete lines
 * (ending in "\n") are read; the byte offset after the last one is the
 * cursor, persisted in the spool directory AFTER the events are spooled.
 * An event without an id gets a stable one: sha256 of "<offset>:<line>", so
 * re-reading the same line (after a crash) yields the same id.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { AgentEvent } from "./spool";
import { writeFileAtomic } from "./spool";

export const CURSOR_FILE = "cursor.json";
/** Bytes read from the events file per poll. */
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface ReadResult {
  events: AgentEvent[];
  /** Cursor after the last complete line read. */
  nextOffset: number;
  invalid: Array<{ offset: number; reason: string }>;
  /** The file was shorter than the cursor (truncated or replaced): read from the start. */
  restarted: boolean;
}

export function stableEventId(offset: number, line: string): string {
  return createHash("sha256").update(`${offset}:${line}`).digest("hex");
}

/** Turns one JSONL line into an event, or a reason it cannot be one. */
export function eventFromLine(line: string, offset: number, defaults: { profile?: string; now: Date }): AgentEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not valid JSON";
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return "not a JSON object";
  const e = value as Record<string, unknown>;
  if (typeof e.type !== "string" || !e.type) return "missing type";
  const profile = e.profile ?? defaults.profile;
  if (typeof profile !== "string" || !profile) return "missing profile (and the agent serves several)";
  if (e.id !== undefined && (typeof e.id !== "string" || !e.id)) return "id must be a non-empty string";
  if (e.occurredAt !== undefined && typeof e.occurredAt !== "string") return "occurredAt must be an ISO 8601 string";
  if (e.attributes !== undefined && (typeof e.attributes !== "object" || e.attributes === null || Array.isArray(e.attributes))) {
    return "attributes must be an object";
  }
  const event: AgentEvent = {
    id: (e.id as string | undefined) ?? stableEventId(offset, line),
    type: e.type,
    profile,
    occurredAt: (e.occurredAt as string | undefined) ?? defaults.now.toISOString(),
    attributes: (e.attributes as Record<string, unknown> | undefined) ?? {},
  };
  if (typeof e.traceId === "string") event.traceId = e.traceId;
  return event;
}

/** Reads complete lines of `file` from `offset`. A missing file reads as empty. */
export function readEvents(file: string, offset: number, defaults: { profile?: string; now: Date }): ReadResult {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { events: [], nextOffset: offset, invalid: [], restarted: false };
    throw error;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const restarted = size < offset;
    const start = restarted ? 0 : offset;
    const length = Math.min(CHUNK_BYTES, size - start);
    const buffer = Buffer.alloc(Math.max(0, length));
    if (length > 0) fs.readSync(fd, buffer, 0, length, start);
    const lastNewline = buffer.lastIndexOf(0x0a);
    const result: ReadResult = { events: [], nextOffset: start, invalid: [], restarted };
    if (lastNewline < 0) return result;
    let lineStart = 0;
    while (lineStart <= lastNewline) {
      const end = buffer.indexOf(0x0a, lineStart);
      const line = buffer.subarray(lineStart, end).toString("utf8").replace(/\r$/, "");
      const lineOffset = start + lineStart;
      if (line.trim()) {
        const parsed = eventFromLine(line, lineOffset, defaults);
        if (typeof parsed === "string") result.invalid.push({ offset: lineOffset, reason: parsed });
        else result.events.push(parsed);
      }
      lineStart = end + 1;
    }
    result.nextOffset = start + lastNewline + 1;
    return result;
  } finally {
    fs.closeSync(fd);
  }
}

export function loadCursor(spoolDir: string, eventsFile: string): number {
  try {
    const saved = JSON.parse(fs.readFileSync(path.join(spoolDir, CURSOR_FILE), "utf8")) as { file?: string; offset?: number };
    return saved.file === path.resolve(eventsFile) && Number.isSafeInteger(saved.offset) ? (saved.offset as number) : 0;
  } catch {
    return 0;
  }
}

export function saveCursor(spoolDir: string, eventsFile: string, offset: number): void {
  writeFileAtomic(path.join(spoolDir, CURSOR_FILE), `${JSON.stringify({ file: path.resolve(eventsFile), offset })}\n`);
}
