import { describe, expect, it } from "vitest";
import { isChronological, orderTimeline, recordedLater, type TimelinePoint } from "./timeline";

const at = (min: number, sec = 0) => new Date(Date.UTC(2026, 11, 3, 19, min, sec));
const item = (kind: TimelinePoint["kind"], time: Date, seq: number | null, recordedAt: Date | null = null): TimelinePoint & { name: string } => ({
  kind,
  time,
  recordedAt,
  seq,
  name: `${kind}${seq ?? ""}`,
});

describe("trace timeline order", () => {
  it("orders a back-dated request before its decision although its entry was recorded later (the demo's 19:06 / 19:02)", () => {
    // The demo submits a job 'minutes ago'; its job.submit entry is appended at seed time.
    const request = item("request", at(2), 40, at(6));
    const decision = item("decision", at(2), null, at(6));
    const vote = item("vote", at(4), 41, at(4));
    const ordered = orderTimeline([vote, decision, request]);
    expect(ordered.map((i) => i.name)).toEqual(["request40", "decision", "vote41"]);
    expect(isChronological(ordered)).toBe(true);
  });

  it("orders by the time things happened, not by sequence number", () => {
    const expired = item("resolution", at(10), 50, at(30)); // window closed at :10, noticed at :30
    const ingest = item("ingest", at(12), null, at(12, 1));
    const request = item("request", at(0), 49);
    expect(orderTimeline([expired, ingest, request]).map((i) => i.name)).toEqual(["request49", "resolution50", "ingest"]);
  });

  it("breaks ties causally, then by audit sequence", () => {
    const t = at(5);
    const items = [item("resolution", t, 9), item("vote", t, 8), item("entry", t, 7), item("decision", t, null), item("request", t, 6)];
    expect(orderTimeline(items).map((i) => i.name)).toEqual(["request6", "decision", "entry7", "vote8", "resolution9"]);
  });

  it("does not change its input", () => {
    const items = [item("vote", at(2), 2), item("request", at(1), 1)];
    orderTimeline(items);
    expect(items.map((i) => i.name)).toEqual(["vote2", "request1"]);
  });

  it("shows the recorded time only when it differs by a second or more", () => {
    expect(recordedLater({ time: at(2), recordedAt: at(6) })).toBe(true);
    expect(recordedLater({ time: at(2), recordedAt: new Date(at(2).getTime() + 40) })).toBe(false);
    expect(recordedLater({ time: at(2), recordedAt: null })).toBe(false);
    expect(isChronological([{ time: at(6) }, { time: at(2) }])).toBe(false);
  });
});
