import { describe, expect, it } from "vitest";
import { RANGES, RANGE_SPEC, bucketOf, bucketStarts, denseSeries, rangeWindow, rollupWidth } from "./range";

const NOW = new Date("2026-11-23T10:17:42.123Z");

describe("rangeWindow", () => {
  it("ends at the end of the bucket holding now and spans the range", () => {
    const w = rangeWindow("day", NOW);
    expect(w.to.toISOString()).toBe("2026-11-23T11:00:00.000Z");
    expect(w.from.toISOString()).toBe("2026-11-22T11:00:00.000Z");
    expect(w.bucketInterval).toBe("3600 seconds");
  });

  it.each(RANGES)("%s: buckets tile the window exactly and are epoch-aligned", (range) => {
    const w = rangeWindow(range, NOW);
    const starts = bucketStarts(w);
    expect(starts).toHaveLength(RANGE_SPEC[range].spanSec / RANGE_SPEC[range].bucketSec);
    expect(starts[0]?.getTime()).toBe(w.from.getTime());
    for (const s of starts) expect(s.getTime() % (w.bucketSec * 1000)).toBe(0);
    expect(bucketOf(w, NOW).getTime()).toBe(starts.at(-1)?.getTime());
  });
});

describe("denseSeries", () => {
  it("fills every bucket and key, adds rows into their bucket and ignores rows outside", () => {
    const w = rangeWindow("hour", NOW);
    const series = denseSeries(w, ["ALLOW", "DENY"] as const, [
      { bucket: bucketOf(w, NOW), key: "DENY", value: 3 },
      { bucket: bucketOf(w, NOW), key: "DENY", value: 2 },
      { bucket: w.from, key: "ALLOW", value: 1 },
      { bucket: new Date(w.from.getTime() - 300_000), key: "ALLOW", value: 99 },
      { bucket: w.from, key: "UNKNOWN", value: 7 },
    ]);
    expect(series).toHaveLength(12);
    expect(series[0]).toEqual({ bucket: w.from.toISOString(), ALLOW: 1, DENY: 0 });
    expect(series.at(-1)).toEqual({ bucket: bucketOf(w, NOW).toISOString(), ALLOW: 0, DENY: 5 });
    expect(series.reduce((sum, p) => sum + p.ALLOW + p.DENY, 0)).toBe(6);
  });
});

describe("rollupWidth", () => {
  it("reads daily rollups for the month, hourly for the day and week, raw rows for the hour", () => {
    expect(rollupWidth(rangeWindow("month", NOW))).toBe("d");
    expect(rollupWidth(rangeWindow("week", NOW))).toBe("h");
    expect(rollupWidth(rangeWindow("day", NOW))).toBe("h");
    expect(rollupWidth(rangeWindow("hour", NOW))).toBeNull();
  });

  it("never picks a width the window's edges or buckets do not fall on", () => {
    const day = rangeWindow("day", NOW);
    expect(rollupWidth({ ...day, from: new Date(day.from.getTime() + 60_000) })).toBeNull();
    expect(rollupWidth({ ...day, bucketSec: 1800 })).toBeNull();
    // A week window ends at a 6-hour boundary: hourly, not daily, even on a whole day.
    const week = rangeWindow("week", new Date("2026-11-23T13:00:00.000Z"));
    expect(week.to.toISOString()).toBe("2026-11-23T18:00:00.000Z");
    expect(rollupWidth(week)).toBe("h");
  });
});
