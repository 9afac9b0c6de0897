import { describe, expect, it } from "vitest";
import { isoFromEraText, isoFromWallClock } from "./audit-verify";

describe("isoFromWallClock", () => {
  it("writes exactly Date.prototype.toISOString's text for every fraction PostgreSQL trims", () => {
    const cases: [string, string][] = [
      ["2026-11-23T02:42:22", "2026-11-23T02:42:22.000Z"],
      ["2026-11-23T02:42:22.1", "2026-11-23T02:42:22.100Z"],
      ["2026-11-23T02:42:22.12", "2026-11-23T02:42:22.120Z"],
      ["2026-11-23T02:42:22.123", "2026-11-23T02:42:22.123Z"],
      ["0999-01-01T00:00:00.5", "0999-01-01T00:00:00.500Z"],
    ];
    for (const [wallClock, iso] of cases) {
      expect(isoFromWallClock(wallClock)).toBe(iso);
      expect(new Date(iso).toISOString()).toBe(iso);
    }
  });

  it("keeps text of any other shape as read, so an entry holding it cannot match its hash", () => {
    for (const odd of ["10000-01-01T00:00:00", "2026-11-23T02:42:22.1234", "2026-11-23 02:42:22", "0044-03-15T12:00:00 BC", "", "infinity"]) {
      expect(isoFromWallClock(odd)).toBe(odd);
    }
  });
});

describe("isoFromEraText", () => {
  it("drops the AD of to_char's text, which is then the ISO text", () => {
    expect(isoFromEraText("2026-11-23T02:42:22.120ZAD")).toBe("2026-11-23T02:42:22.120Z");
  });

  it("keeps a BC time, or any other text, as read", () => {
    for (const odd of ["2026-11-23T02:42:22.120ZBC", "2026-11-23T02:42:22.120Z", "10000-01-01T00:00:00.000ZAD".slice(0, -3)]) {
      expect(isoFromEraText(odd)).toBe(odd);
    }
  });
});
