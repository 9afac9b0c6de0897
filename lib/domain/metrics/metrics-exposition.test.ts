import { describe, expect, it } from "vitest";
import { bearerToken, tokenMatches } from "./bearer";
import { EXPOSITION_CONTENT_TYPE, ExpositionError, escapeHelp, escapeLabelValue, formatExposition, formatValue } from "./exposition";

describe("formatExposition", () => {
  it("writes HELP, TYPE and one line per sample, in order, ending in a newline", () => {
    const text = formatExposition([
      { name: "cellgate_ingest_batches_total", help: "Accepted ingest batches.", type: "counter", samples: [{ value: 12 }] },
      {
        name: "cellgate_kill_switches_in_force",
        help: "Kill switches in force.",
        type: "gauge",
        samples: [
          { labels: { scope: "global" }, value: 0 },
          { labels: { scope: "tenant" }, value: 2 },
        ],
      },
    ]);
    expect(text).toBe(
      [
        "# HELP cellgate_ingest_batches_total Accepted ingest batches.",
        "# TYPE cellgate_ingest_batches_total counter",
        "cellgate_ingest_batches_total 12",
        "# HELP cellgate_kill_switches_in_force Kill switches in force.",
        "# TYPE cellgate_kill_switches_in_force gauge",
        'cellgate_kill_switches_in_force{scope="global"} 0',
        'cellgate_kill_switches_in_force{scope="tenant"} 2',
        "",
      ].join("\n"),
    );
    expect(EXPOSITION_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("escapes HELP text and label values as the format requires", () => {
    expect(escapeHelp("a\\b\nc \"q\"")).toBe('a\\\\b\\nc "q"');
    expect(escapeLabelValue('x-"odd"\\type\nnext')).toBe('x-\\"odd\\"\\\\type\\nnext');
    const text = formatExposition([
      { name: "m_total", help: "line one\nline \\ two", type: "counter", samples: [{ labels: { type: 'x-"q"', b: "\\" }, value: 1 }] },
    ]);
    expect(text.split("\n")).toEqual(["# HELP m_total line one\\nline \\\\ two", "# TYPE m_total counter", 'm_total{type="x-\\"q\\"",b="\\\\"} 1', ""]);
  });

  it("keeps HELP and TYPE for a family without samples, and gives nothing for no families", () => {
    expect(formatExposition([{ name: "g", help: "h", type: "gauge", samples: [] }])).toBe("# HELP g h\n# TYPE g gauge\n");
    expect(formatExposition([])).toBe("");
  });

  it("formats special and fractional values", () => {
    expect(formatValue(NaN)).toBe("NaN");
    expect(formatValue(Infinity)).toBe("+Inf");
    expect(formatValue(-Infinity)).toBe("-Inf");
    expect(formatValue(-0)).toBe("0");
    expect(formatValue(1.5)).toBe("1.5");
    expect(formatValue(1_763_856_000)).toBe("1763856000");
  });

  it("refuses invalid names, counters without _total, negative counters and duplicates", () => {
    const ok = { help: "h", samples: [{ value: 1 }] };
    expect(() => formatExposition([{ ...ok, name: "9bad", type: "gauge" }])).toThrow(ExpositionError);
    expect(() => formatExposition([{ ...ok, name: "has-dash", type: "gauge" }])).toThrow(/not valid/);
    expect(() => formatExposition([{ ...ok, name: "events", type: "counter" }])).toThrow(/_total/);
    expect(() => formatExposition([{ name: "e_total", help: "h", type: "counter", samples: [{ value: -1 }] }])).toThrow(/negative/);
    expect(() => formatExposition([{ name: "g", help: "h", type: "gauge", samples: [{ labels: { "bad-label": "x" }, value: 1 }] }])).toThrow(/label name/);
    expect(() => formatExposition([{ name: "g", help: "h", type: "gauge", samples: [{ labels: { __reserved: "x" }, value: 1 }] }])).toThrow(/label name/);
    expect(() => formatExposition([{ ...ok, name: "g", type: "gauge" }, { ...ok, name: "g", type: "gauge" }])).toThrow(/twice/);
  });
});

describe("metrics bearer token", () => {
  it("reads the token of a Bearer header, any scheme case, nothing else", () => {
    expect(bearerToken("Bearer abc.def-123")).toBe("abc.def-123");
    expect(bearerToken("bearer   tok ")).toBe("tok");
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken("Bearer two words")).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });

  it("matches only the exact token, and never when either side is missing", () => {
    const token = "s3cret-metrics-token-0123456789";
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches(`${token}x`, token)).toBe(false);
    expect(tokenMatches(token.slice(0, -1), token)).toBe(false);
    expect(tokenMatches(token.toUpperCase(), token)).toBe(false);
    expect(tokenMatches(null, token)).toBe(false);
    expect(tokenMatches(token, undefined)).toBe(false);
    expect(tokenMatches("", "")).toBe(false);
  });
});
