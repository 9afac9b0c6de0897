import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { batchHash } from "./batch-hash";
import { depthExceededAt, joinPath } from "./json-guard";
import { parseIngestBody } from "./parse-body";
import { redactEvent } from "./redact";

const NOW = new Date("2026-11-22T20:00:00.000Z");

function parsed(text: string) {
  const result = parseIngestBody(new TextEncoder().encode(text), { now: NOW });
  if (!result.ok) throw new Error(result.problem.detail);
  return result.batch;
}

describe("batchHash", () => {
  const id = `ev-${randomUUID()}`;
  const a = `{"events":[{"id":"${id}","type":"x-a","profile":"acme-a","occurredAt":"2026-11-22T19:00:00Z","attributes":{"b":1,"a":"Bearer abc123def456"}}]}`;
  const b = `{ "events" : [ { "attributes": {"a":"Bearer abc123def456", "b":1.0}, "profile":"acme-a", "occurredAt":"2026-11-22T19:00:00Z", "type":"x-a", "id":"${id}" } ] }`;

  it("is the SHA-256 hex of the JCS of the parsed batch", () => {
    const expected = createHash("sha256")
      .update(`{"events":[{"attributes":{"a":"Bearer abc123def456","b":1},"id":"${id}","occurredAt":"2026-11-22T19:00:00Z","profile":"acme-a","type":"x-a"}]}`)
      .digest("hex");
    expect(batchHash(parsed(a))).toBe(expected);
  });

  it("ignores key order and whitespace, and is taken before redaction", () => {
    const batch = parsed(a);
    expect(batchHash(parsed(b))).toBe(batchHash(batch));
    const redacted = { events: batch.events.map((event) => redactEvent(event).event) };
    expect(batchHash(redacted)).not.toBe(batchHash(batch));
  });

  it("changes when any value changes", () => {
    expect(batchHash(parsed(a.replace('"b":1', '"b":2')))).not.toBe(batchHash(parsed(a)));
  });
});

describe("json-guard helpers", () => {
  it("joinPath renders identifiers, indexes and odd keys", () => {
    expect(joinPath("attributes", "db")).toBe("attributes.db");
    expect(joinPath("attributes.list", 3)).toBe("attributes.list[3]");
    expect(joinPath("attributes", "a.b")).toBe('attributes["a.b"]');
    expect(joinPath("", "events")).toBe("events");
  });

  it("depthExceededAt skips escaped quotes inside strings", () => {
    expect(depthExceededAt('["\\"[[[["]', 1)).toBeNull();
    expect(depthExceededAt("[[", 1)).toBe(1);
  });
});
