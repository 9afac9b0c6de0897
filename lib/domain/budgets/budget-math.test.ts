import { describe, expect, it } from "vitest";
import { budgetAlertMessage, formatUsd } from "./alert-message";
import { budgetState, burnDown, monthWindow, percentUsed, projectedMonthSpend, thresholdsReached } from "./budget-math";

describe("monthWindow", () => {
  it("is the calendar month in UTC, whatever the hour", () => {
    const m = monthWindow(new Date("2026-11-30T23:59:59.999Z"));
    expect(m.start.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(m.end.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(m.days).toBe(30);
    expect(monthWindow(new Date("2028-02-10T12:00:00Z")).days).toBe(29);
    expect(monthWindow(new Date("2026-12-31T12:00:00Z")).end.toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});

describe("budget state and thresholds", () => {
  it("is ok below 80 %, warning from exactly 80 %, exceeded from exactly 100 %", () => {
    expect(budgetState(79.99, 100)).toBe("ok");
    expect(budgetState(80, 100)).toBe("warning");
    expect(budgetState(99.99, 100)).toBe("warning");
    expect(budgetState(100, 100)).toBe("exceeded");
    expect(percentUsed(50, 200)).toBe(25);
  });

  it("reaches the thresholds the spend has crossed, none without a positive budget", () => {
    expect(thresholdsReached(10, 100)).toEqual([]);
    expect(thresholdsReached(80, 100)).toEqual([80]);
    expect(thresholdsReached(250, 100)).toEqual([80, 100]);
    expect(thresholdsReached(5, 0)).toEqual([]);
  });
});

describe("projection", () => {
  it("extrapolates the month-to-date rate linearly to the end of the month", () => {
    // 10 of 30 days gone, 100 spent → 300 projected.
    expect(projectedMonthSpend(100, new Date("2026-11-11T00:00:00Z"))).toBeCloseTo(300, 6);
    // The last instant: the projection is the spend.
    expect(projectedMonthSpend(100, new Date("2026-11-30T23:59:59.999Z"))).toBeCloseTo(100, 3);
  });

  it("does not explode in the first minutes of a month", () => {
    // 1 spent in the first minute: extrapolated from at least one hour (720 h in November).
    expect(projectedMonthSpend(1, new Date("2026-11-01T00:01:00Z"))).toBeCloseTo(720, 6);
  });
});

describe("burn-down", () => {
  it("has one point per day: remaining up to today, ideal throughout, projected from today", () => {
    const now = new Date("2026-11-03T12:00:00Z");
    const points = burnDown(
      300,
      [
        { day: new Date("2026-11-01T00:00:00Z"), spend: 10 },
        { day: new Date("2026-11-03T00:00:00Z"), spend: 15 },
        { day: new Date("2026-10-31T00:00:00Z"), spend: 999 }, // another month: ignored
      ],
      now,
    );
    expect(points).toHaveLength(30);
    expect(points.slice(0, 4).map((p) => p.remaining)).toEqual([290, 290, 275, null]);
    expect(points[0]).toMatchObject({ day: "2026-11-01", ideal: 290 });
    expect(points[29]).toMatchObject({ day: "2026-11-30", ideal: 0, remaining: null });
    expect(points[1]!.projected).toBeNull();
    // 25 spent in 2.5 days → 10 a day → 300 projected: nothing left on the last day.
    expect(points[29]!.projected).toBeCloseTo(0, 2);
    expect(points[2]!.projected).toBeCloseTo(270, 2);
  });
});

describe("budget alert message", () => {
  it("is Slack-compatible and escapes Slack control characters", () => {
    const message = budgetAlertMessage({
      alertId: "a1", scope: "profile", tenant: "acme", profile: "acme-<b>", threshold: 100, spendUsd: "1234.5", budgetUsd: "1000.00",
      period: "2026-11", createdAt: "2026-11-20T00:00:00.000Z", link: "https://c.example/cost?tenant=acme",
    });
    expect(message.type).toBe("budget.alert");
    expect(message.text).toBe("Budget exceeded: profile acme-<b> (acme) has spent $1,234.50 of $1,000.00 in 2026-11 (100 % reached)");
    const json = JSON.stringify(message.blocks);
    expect(json).toContain("acme-&lt;b&gt;");
    expect(json).toContain("https://c.example/cost?tenant=acme");
    expect(formatUsd("0.1")).toBe("$0.10");
  });
});
