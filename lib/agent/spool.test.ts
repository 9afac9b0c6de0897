import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type AgentEvent, SPOOL_FILE, Spool } from "./spool";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-spool-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function event(n: number): AgentEvent {
  return { id: `evt-${n}-${randomUUID()}`, type: "tool.allowed", profile: "acme-bot", occurredAt: new Date().toISOString(), attributes: { n } };
}

describe("Spool", () => {
  it("keeps appended events across reopen, in order, and forgets only removed ones", () => {
    const dir = tempDir();
    const events = [1, 2, 3, 4].map(event);
    const spool = Spool.open(dir);
    expect(spool.append(events)).toBe(4);
    expect(spool.remove([events[1]!.id, "not-there"])).toBe(1);
    const reopened = Spool.open(dir);
    expect(reopened.peek(10).map((e) => e.id)).toEqual([events[0]!.id, events[2]!.id, events[3]!.id]);
    expect(reopened.peek(10)[0]).toEqual(events[0]);
  });

  it("does not spool an id twice (within one append or across appends)", () => {
    const spool = Spool.open(tempDir());
    const e = event(1);
    expect(spool.append([e, e])).toBe(1);
    expect(spool.append([e, event(2)])).toBe(1);
    expect(spool.size).toBe(2);
  });

  it("ignores a partial last line left by a crash and appends cleanly after it", () => {
    const dir = tempDir();
    const first = event(1);
    const spool = Spool.open(dir);
    spool.append([first]);
    const torn = JSON.stringify(event(2)).slice(0, 25); // a write cut short, no newline
    fs.appendFileSync(path.join(dir, SPOOL_FILE), torn);

    const recovered = Spool.open(dir);
    expect(recovered.droppedPartialBytes).toBe(Buffer.byteLength(torn));
    expect(recovered.peek(10).map((e) => e.id)).toEqual([first.id]);
    const third = event(3);
    recovered.append([third]);
    const again = Spool.open(dir);
    expect(again.droppedPartialBytes).toBe(0);
    expect(again.peek(10).map((e) => e.id)).toEqual([first.id, third.id]);
  });

  it("skips complete lines that are not events instead of failing", () => {
    const dir = tempDir();
    const good = event(1);
    fs.writeFileSync(path.join(dir, SPOOL_FILE), `{"not":"an event"}\nnot json\n${JSON.stringify(good)}\n`);
    const spool = Spool.open(dir);
    expect(spool.skippedOnOpen).toBe(2);
    expect(spool.peek(10)).toEqual([good]);
  });

  it("peek honours both the event limit and the byte budget (always at least one event)", () => {
    const spool = Spool.open(tempDir());
    const events = Array.from({ length: 10 }, (_, i) => event(i));
    spool.append(events);
    expect(spool.peek(3)).toHaveLength(3);
    const one = Buffer.byteLength(JSON.stringify(events[0])) + 1;
    expect(spool.peek(10, one * 2 + 5)).toHaveLength(2);
    expect(spool.peek(10, 1)).toHaveLength(1);
  });

  it("leaves no temporary files behind after removals", () => {
    const dir = tempDir();
    const spool = Spool.open(dir);
    const events = [1, 2].map(event);
    spool.append(events);
    spool.remove(events.map((e) => e.id));
    expect(fs.readdirSync(dir)).toEqual([SPOOL_FILE]);
    expect(fs.readFileSync(path.join(dir, SPOOL_FILE), "utf8")).toBe("");
  });
});
