import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ingestContentTypeProblem, INGEST_PROBLEM_TYPES, parseIngestBody } from "./parse-body";
import type { ParseIngestResult } from "./types";

const NOW = new Date("2026-11-22T20:00:00.000Z");
const enc = (text: string) => new TextEncoder().encode(text);
const body = (value: unknown) => enc(JSON.stringify(value));
const event = (overrides: Record<string, unknown> = {}) => ({
  id: `ev-${randomUUID()}`,
  type: "health.heartbeat",
  profile: "acme-ticket-triage",
  occurredAt: "2026-11-22T19:59:30Z",
  attributes: { status: "healthy", intervalSec: 30 },
  ...overrides,
});
const parse = (value: unknown) => parseIngestBody(body(value), { now: NOW });

function errorsOf(result: ParseIngestResult) {
  if (result.ok) throw new Error("expected a refusal");
  return result.problem.errors;
}

describe("parseIngestBody: accepted batches", () => {
  it("accepts a batch of every known type and keeps values as received", () => {
    const events = [
      event(),
      event({ type: "service.start", attributes: { unit: "agent.service" } }),
      event({ type: "service.stop", attributes: {} }),
      event({ type: "auth.accepted", attributes: { principal: "svc-bot" } }),
      event({ type: "auth.denied", attributes: { reason: "expired" } }),
      event({ type: "tool.allowed", attributes: { tool: "http.get" } }),
      event({ type: "tool.denied", attributes: { tool: "shell.exec", reason: "not allowed" } }),
      event({ type: "egress.denied", attributes: { destination: "evil.example:443" } }),
      event({ type: "secret.loaded", attributes: { ref: "secret://vault/acme/db" } }),
      event({ type: "alignment.checked", attributes: { passed: true, suite: "v3" } }),
      event({ type: "rollback.executed", attributes: { target: "v41", durationSec: 12.5 } }),
      event({ type: "canary.evidence", attributes: { item: "rollback_proven", passed: true, durationSec: 42 } }),
      event({ type: "cost.usage", attributes: { model: "gpt-x", tokensIn: 10, tokensOut: 0, cost: 0.0012 } }),
      event({ type: "policy.decision", attributes: { decision: "deny", rule: "r-7", extra: [1, 2] } }),
      event({ type: "x-acme.custom", attributes: { anything: { nested: [true, null] } } }),
      event({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", occurredAt: "2026-11-22T21:59:00+02:00" }),
    ];
    const result = parse({ events });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.batch.events).toHaveLength(events.length);
    expect(result.batch.events[13]).toEqual(events[13]);
    expect(result.batch.events[15]?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  it("defaults missing attributes to {}", () => {
    const result = parse({ events: [event({ attributes: undefined })] });
    expect(result.ok && result.batch.events[0]?.attributes).toEqual({});
  });

  it("accepts exactly 500 events and refuses 501", () => {
    const many = (n: number) => Array.from({ length: n }, () => event());
    expect(parse({ events: many(500) }).ok).toBe(true);
    expect(errorsOf(parse({ events: many(501) }))).toEqual([
      { field: "events", message: "must contain at most 500 events (got 501)" },
    ]);
  });

  it("accepts occurredAt up to 300 s ahead and refuses 301 s ahead", () => {
    expect(parse({ events: [event({ occurredAt: "2026-11-22T20:05:00Z" })] }).ok).toBe(true);
    const errors = errorsOf(parse({ events: [event({ occurredAt: "2026-11-22T20:05:01Z" })] }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ index: 0, field: "events[0].occurredAt" });
    expect(errors[0]?.message).toContain("in the future");
  });
});

describe("parseIngestBody: envelope refusals name index and field", () => {
  it("refuses a body that is not an object, an empty events list, missing events and extra keys", () => {
    expect(errorsOf(parse([1]))).toEqual([{ field: "body", message: 'must be a JSON object {"events":[…]}' }]);
    expect(errorsOf(parse({ events: [] }))).toEqual([{ field: "events", message: "must contain at least one event" }]);
    expect(errorsOf(parse({}))).toEqual([{ field: "events", message: "is required" }]);
    expect(errorsOf(parse({ events: {} }))).toEqual([{ field: "events", message: "must be an array of events" }]);
    expect(errorsOf(parse({ events: [event()], extra: 1 }))).toEqual([{ field: "extra", message: "is not a known field" }]);
  });

  it("collects every bad field of every event, in index order", () => {
    const result = parse({
      events: [
        event(),
        event({ id: "has space" }),
        "not an object",
        event({ profile: "Not_A_Slug", occurredAt: "2026-11-22 19:00:00" }),
        event({ type: "cost.usage", attributes: { model: "m", tokensIn: -1, tokensOut: 1.5, cost: "1" } }),
        event({ type: "mystery.event" }),
        event({ colour: "blue", traceId: "0".repeat(32) }),
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.problem.type).toBe(INGEST_PROBLEM_TYPES.invalid);
    expect(result.problem.detail).toBe("10 problems in the batch; nothing was stored");
    expect(result.problem.errors.map((e) => [e.index, e.field])).toEqual([
      [1, "events[1].id"],
      [2, "events[2]"],
      [3, "events[3].profile"],
      [3, "events[3].occurredAt"],
      [4, "events[4].attributes.tokensIn"],
      [4, "events[4].attributes.tokensOut"],
      [4, "events[4].attributes.cost"],
      [5, "events[5].type"],
      [6, "events[6].traceId"],
      [6, "events[6].colour"],
    ]);
    expect(result.problem.errors[7]?.message).toBe('unknown event type "mystery.event" (custom types must start with "x-")');
    expect(result.problem.errors[9]?.message).toBe("is not a known field");
  });

  it("names missing required fields", () => {
    const errors = errorsOf(parse({ events: [{ type: "health.heartbeat", attributes: {} }] }));
    expect(errors).toEqual([
      { index: 0, field: "events[0].id", message: "is required" },
      { index: 0, field: "events[0].profile", message: "is required" },
      { index: 0, field: "events[0].occurredAt", message: "is required" },
    ]);
  });

  it("refuses attributes that are not an object, and bad event type spellings", () => {
    const errors = errorsOf(parse({ events: [event({ attributes: [1] }), event({ type: "Health.Heartbeat" }), event({ type: "" }), event({ type: "x-" }), event({ type: "x-a..b" })] }));
    expect(errors.map((e) => e.field)).toEqual(["events[0].attributes", "events[1].type", "events[2].type", "events[3].type", "events[4].type"]);
    expect(errors[0]?.message).toBe("must be a JSON object");
  });

  it("refuses a duplicate id naming both indexes", () => {
    const first = event();
    const errors = errorsOf(parse({ events: [first, event(), event({ id: first.id })] }));
    expect(errors).toEqual([
      { index: 2, field: "events[2].id", message: `duplicates the id of events[0] ("${first.id}") in this batch` },
    ]);
  });

  it("accepts ids of 128 characters and refuses 129", () => {
    expect(parse({ events: [event({ id: "a".repeat(128) })] }).ok).toBe(true);
    expect(errorsOf(parse({ events: [event({ id: "a".repeat(129) })] }))[0]?.field).toBe("events[0].id");
  });

  it("reports envelope and attribute problems of one event together", () => {
    const errors = errorsOf(parse({ events: [event({ profile: "BAD", type: "cost.usage", attributes: { model: "m" } })] }));
    expect(errors.map((e) => e.field)).toEqual([
      "events[0].profile",
      "events[0].attributes.tokensIn",
      "events[0].attributes.tokensOut",
      "events[0].attributes.cost",
    ]);
  });

  it("lists at most 200 errors and says how many there were", () => {
    const events = Array.from({ length: 300 }, () => event({ id: "bad id" }));
    const result = parse({ events });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.errors).toHaveLength(200);
    expect(result.problem.detail).toBe("300 problems in the batch (first 200 listed); nothing was stored");
  });
});

describe("parseIngestBody: hostile bytes are plain 400s", () => {
  it("refuses truncated JSON with its position", () => {
    const text = JSON.stringify({ events: [event()] });
    const result = parseIngestBody(enc(text.slice(0, 40)), { now: NOW });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(400);
    expect(result.problem.type).toBe(INGEST_PROBLEM_TYPES.malformed);
    expect(result.problem.errors[0]?.field).toBe("body");
    expect(result.problem.detail).toMatch(/^JSON ends unexpectedly \(truncated\?\) at position \d+$/);
  });

  it("refuses malformed JSON with its position", () => {
    const result = parseIngestBody(enc('{"events" [1]}'), { now: NOW });
    expect(!result.ok && result.problem.detail).toBe("malformed JSON at position 10");
  });

  it("refuses an empty body", () => {
    expect(!parseIngestBody(enc("  "), { now: NOW }).ok).toBe(true);
    expect(errorsOf(parseIngestBody(new Uint8Array(), { now: NOW }))[0]?.message).toContain("empty");
  });

  it("refuses invalid UTF-8 with the byte offset", () => {
    const bytes = new Uint8Array([...enc('{"events":"'), 0xc3, 0x28, ...enc('"}')]);
    const errors = errorsOf(parseIngestBody(bytes, { now: NOW }));
    expect(errors).toEqual([{ field: "body", message: "body is not valid UTF-8 (decoding fails at byte 12)" }]);
  });

  it("refuses nesting deeper than 32 levels before parsing, and accepts 32", () => {
    const nested = (depth: number) => {
      let value: unknown = 1;
      for (let i = 0; i < depth; i++) value = { a: value };
      return value;
    };
    // body {, events [, event { use 3 levels; attributes is the 4th
    expect(parse({ events: [event({ type: "x-deep", attributes: nested(29) })] }).ok).toBe(true);
    const errors = errorsOf(parse({ events: [event({ type: "x-deep", attributes: nested(30) })] }));
    expect(errors[0]?.message).toMatch(/^JSON nests deeper than 32 levels \(at position \d+\)$/);
    const hostile = enc("[".repeat(200_000));
    expect(errorsOf(parseIngestBody(hostile, { now: NOW }))[0]?.message).toBe("JSON nests deeper than 32 levels (at position 32)");
  });

  it("does not count brackets inside strings toward depth", () => {
    expect(parse({ events: [event({ attributes: { text: "[[[[{{{{".repeat(20) } })] }).ok).toBe(true);
  });

  it("refuses NUL characters in strings and keys, naming the field", () => {
    const errors = errorsOf(parse({ events: [event(), event({ type: "x-a", attributes: { note: "a\u0000b", "k\u0000": 1 } })] }));
    expect(errors).toEqual([
      { index: 1, field: "events[1].attributes.note", message: "must not contain NUL (U+0000) characters" },
      { index: 1, field: 'events[1].attributes["k\\\\u0000"]', message: "key must not contain NUL (U+0000) characters" },
    ]);
  });

  it("refuses numbers beyond double range and unpaired surrogates, which storage could not take", () => {
    const text = `{"events":[{"id":"e1","type":"x-n","profile":"acme-a","occurredAt":"2026-11-22T19:00:00Z",
      "attributes":{"big":1e400,"s":"\\ud800x","ok":"\\ud83d\\ude00"}}]}`;
    const errors = errorsOf(parseIngestBody(enc(text), { now: NOW }));
    expect(errors).toEqual([
      { index: 0, field: "events[0].attributes.big", message: "number is out of range" },
      { index: 0, field: "events[0].attributes.s", message: "must not contain unpaired UTF-16 surrogates (\\ud800–\\udfff)" },
    ]);
  });

  it("refuses prototype-pollution keys and leaves Object.prototype alone", () => {
    const text = `{"events":[{"id":"e1","type":"x-p","profile":"acme-a","occurredAt":"2026-11-22T19:00:00Z",
      "attributes":{"__proto__":{"polluted":"yes"},"a":{"constructor":{"prototype":{"polluted":"yes"}}}}}]}`;
    const errors = errorsOf(parseIngestBody(enc(text), { now: NOW }));
    expect(errors.map((e) => e.field)).toEqual(["events[0].attributes.__proto__", "events[0].attributes.a.constructor"]);
    expect(errors[0]?.message).toContain("prototype pollution");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("ingestContentTypeProblem", () => {
  it("accepts application/json with or without charset=utf-8", () => {
    expect(ingestContentTypeProblem("application/json")).toBeNull();
    expect(ingestContentTypeProblem("Application/JSON; charset=UTF-8")).toBeNull();
  });
  it("answers 415 for other media types, other charsets or none", () => {
    for (const type of ["text/plain", "application/json; charset=latin1", null, "application/x-www-form-urlencoded"]) {
      expect(ingestContentTypeProblem(type)?.status).toBe(415);
    }
  });
});
