import { describe, expect, it } from "vitest";
import { canonicalize, CanonicalJsonError, jsonString } from "./canonical-json";
import { canonicalHash, sha256Hex } from "./hash";

describe("canonicalize (RFC 8785)", () => {
  it("sorts members by UTF-16 code units, recursively", () => {
    // RFC 8785 §3.2.3 sorting example (keys as UTF-16 code units).
    const input = { "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis" };
    // Read the member names back in document order (Object.keys would put "1" first).
    const names = [...canonicalize(input).matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(names).toEqual(["\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"]);
  });

  it("serializes numbers the ECMAScript way (RFC 8785 §3.2.2.3 examples)", () => {
    expect(canonicalize([1e30, 4.5, 0.002, 1e-27, -0, 333333333.33333329, 1e21, 1e20])).toBe(
      "[1e+30,4.5,0.002,1e-27,0,333333333.3333333,1e+21,100000000000000000000]",
    );
  });

  it("matches the RFC 8785 §3.2.2 worked example", () => {
    const input = {
      numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"/",
      literals: [null, true, false],
    };
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("drops undefined members and refuses values JSON cannot hold", () => {
    expect(canonicalize({ b: undefined, a: 1 })).toBe('{"a":1}');
    expect(() => canonicalize({ a: Number.NaN })).toThrow(CanonicalJsonError);
    expect(() => canonicalize({ a: Infinity })).toThrow(CanonicalJsonError);
    expect(() => canonicalize({ a: 1n })).toThrow(CanonicalJsonError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/cyclic/);
  });

  it("writes a value shared by siblings each time, and catches a cycle through an array", () => {
    const shared = { x: 1 };
    expect(canonicalize({ b: [shared, shared, undefined], a: shared })).toBe('{"a":{"x":1},"b":[{"x":1},{"x":1},null]}');
    const loop: unknown[] = [1];
    loop.push({ back: loop });
    expect(() => canonicalize(loop)).toThrow(/cyclic/);
  });

  it("writes strings exactly as JSON.stringify does, fast path or not", () => {
    const strings = ["", "plain ASCII ~{}[]", 'quote "', "back\\slash", "tab\t", "nl\n", "\u0000\u001f\u007f", "ünïcødé €", "🔑", "\u2028\u2029", "\ud800 lone", "lone \udfff"];
    for (const text of strings) expect(jsonString(text)).toBe(JSON.stringify(text));
  });

  it("gives the same hash whatever the member order", () => {
    expect(canonicalHash({ a: 1, b: [1, { d: 2, c: 3 }] })).toBe(canonicalHash({ b: [1, { c: 3, d: 2 }], a: 1 }));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
