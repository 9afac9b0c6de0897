import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadCursor, readEvents, saveCursor, stableEventId } from "./event-source";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-events-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const now = new Date("2026-11-22T20:00:00Z");

describe("readEvents", () => {
  it("reads complete lines only, gives id-less events stable ids, and keeps given ids", () => {
    const file = path.join(tempDir(), "events.jsonl");
    const line1 = '{"type":"tool.denied","attributes":{"tool":"shell_exec"}}';
    const line2 = '{"id":"mine-1","type":"egress.denied","profile":"other","occurredAt":"2026-11-22T19:59:00Z"}';
    fs.writeFileSync(file, `${line1}\n${line2}\n{"type":"tool.allo`);
    const first = readEvents(file, 0, { profile: "acme-bot", now });
    expect(first.events).toEqual([
      { id: stableEventId(0, line1), type: "tool.denied", profile: "acme-bot", occurredAt: now.toISOString(), attributes: { tool: "shell_exec" } },
      { id: "mine-1", type: "egress.denied", profile: "other", occurredAt: "2026-11-22T19:59:00Z", attributes: {} },
    ]);
    expect(first.nextOffset).toBe(line1.length + line2.length + 2);
    // Re-reading (a crash before the cursor was saved) yields the same ids.
    expect(readEvents(file, 0, { profile: "acme-bot", now: new Date() }).events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    fs.appendFileSync(file, 'wed"}\n');
    const second = readEvents(file, first.nextOffset, { profile: "acme-bot", now });
    expect(second.events.map((e) => e.type)).toEqual(["tool.allowed"]);
    expect(second.events[0]!.id).toBe(stableEventId(first.nextOffset, '{"type":"tool.allowed"}'));
  });

  it("reports bad lines with their offset and moves past them", () => {
    const file = path.join(tempDir(), "events.jsonl");
    fs.writeFileSync(file, 'nope\n[1]\n{"type":"x-custom"}\n{"id":"","type":"a.b"}\n{"type":"a.b","attributes":[]}\n');
    const read = readEvents(file, 0, { now }); // no default profile
    expect(read.events).toEqual([]);
    expect(read.invalid.map((i) => i.reason)).toEqual([
      "not valid JSON",
      "not a JSON object",
      "missing profile (and the agent serves several)",
      "missing profile (and the agent serves several)",
      "missing profile (and the agent serves several)",
    ]);
    expect(read.invalid[1]!.offset).toBe(5);
    expect(read.nextOffset).toBe(fs.statSync(file).size);
  });

  it("starts over when the file shrank, and reads a missing file as empty", () => {
    const dir = tempDir();
    const file = path.join(dir, "events.jsonl");
    expect(readEvents(file, 0, { profile: "p", now })).toMatchObject({ events: [], nextOffset: 0 });
    fs.writeFileSync(file, '{"type":"a.b"}\n');
    const read = readEvents(file, 999, { profile: "p", now });
    expect(read.restarted).toBe(true);
    expect(read.events).toHaveLength(1);
  });

  it("persists the cursor per events file", () => {
    const dir = tempDir();
    saveCursor(dir, path.join(dir, "a.jsonl"), 42);
    expect(loadCursor(dir, path.join(dir, "a.jsonl"))).toBe(42);
    expect(loadCursor(dir, path.join(dir, "b.jsonl"))).toBe(0);
  });
});
