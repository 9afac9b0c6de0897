import { describe, expect, it } from "vitest";
import { parseDictionary, parseItem, parseList, strictBase64 } from "./structured-fields-parse";
import { serializeBareItem, serializeDictionary, serializeInnerList, serializeList } from "./structured-fields-serialize";
import { Decimal, innerList, item, StructuredFieldError, Token } from "./structured-fields-types";

function errorOf(fn: () => unknown): StructuredFieldError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StructuredFieldError);
    return error as StructuredFieldError;
  }
  throw new Error("expected a StructuredFieldError");
}

describe("parseDictionary", () => {
  it("parses a Signature-Input member: inner list of strings with ordered parameters", () => {
    const dict = parseDictionary('sig1=("@method" "@path" "content-digest");created=1700000000;keyid="host-1";nonce="abc";alg="ed25519"');
    const member = dict.get("sig1");
    expect(member?.kind).toBe("inner-list");
    if (member?.kind !== "inner-list") return;
    expect(member.items.map((i) => i.value)).toEqual(["@method", "@path", "content-digest"]);
    expect([...member.params]).toEqual([
      ["created", 1700000000],
      ["keyid", "host-1"],
      ["nonce", "abc"],
      ["alg", "ed25519"],
    ]);
  });

  it("parses every bare item type and round-trips through serialization", () => {
    const text = 'a=1, b=-42, c="x \\"q\\" \\\\", d=tok/en:x, e=:AQID:, f=?0, g, h=1.5;p, i=("x";y z);q=2';
    const dict = parseDictionary(text);
    expect(dict.get("a")).toEqual(item(1));
    expect(dict.get("b")).toEqual(item(-42));
    expect(dict.get("c")).toEqual(item('x "q" \\'));
    expect(dict.get("d")).toEqual(item(new Token("tok/en:x")));
    expect(dict.get("e")).toEqual(item(new Uint8Array([1, 2, 3])));
    expect(dict.get("f")).toEqual(item(false));
    expect(dict.get("g")).toEqual(item(true));
    expect(dict.get("h")).toEqual(item(new Decimal(1.5), new Map([["p", true]])));
    expect(serializeDictionary(dict)).toBe(text);
    // A true boolean parameter serializes as the bare key (RFC 8941 §4.1.1.2).
    expect(serializeDictionary(parseDictionary('i=("x";y=?1)'))).toBe('i=("x";y)');
  });

  it("tolerates optional whitespace around commas and leading/trailing spaces", () => {
    const dict = parseDictionary("  a=1 ,\tb=2  ");
    expect([...dict.keys()]).toEqual(["a", "b"]);
  });

  it("returns an empty dictionary for an empty field", () => {
    expect(parseDictionary("").size).toBe(0);
  });

  it.each([
    ["trailing comma", "a=1,"],
    ["leading comma", ",a=1"],
    ["uppercase key", "Sig=1"],
    ["key starting with a digit", "1a=1"],
    ["missing value after =", "a="],
    ["unterminated string", 'a="abc'],
    ["bad escape", 'a="\\n"'],
    ["control char in string", 'a="\u0001"'],
    ["unterminated inner list", 'a=("x" "y"'],
    ["inner list items not separated", 'a=("x""y")'],
    ["garbage after member", "a=1 b=2"],
    ["bad boolean", "a=?2"],
    ["lone minus", "a=-"],
    ["decimal with trailing dot", "a=1."],
    ["decimal with 4 fractional digits", "a=1.2345"],
    ["16-digit integer", "a=1234567890123456"],
    ["non-ASCII", "a=\u00e9"],
    ["date item (RFC 9651, unsupported)", "a=@1659578233"],
    ["unterminated byte sequence", "a=:AQID"],
  ])("refuses %s", (_why, text) => {
    expect(errorOf(() => parseDictionary(text)).code).toBe("malformed");
  });

  it.each([
    ["non-base64 characters", "a=:AQ*D:"],
    ["missing padding", "a=:AQI:"],
    ["non-zero pad bits", "a=:AQJ=:"],
    ["padding in the middle", "a=:AQ==AQ==:"],
  ])("refuses a byte sequence with %s", (_why, text) => {
    const error = errorOf(() => parseDictionary(text));
    expect(error.code).toBe("malformed");
    expect(error.message).toMatch(/base64/);
  });

  it("refuses duplicate keys and duplicate parameters by default, allows last-wins on request", () => {
    expect(errorOf(() => parseDictionary("a=1, a=2")).code).toBe("duplicate-key");
    expect(errorOf(() => parseDictionary("a=1;p=1;p=2")).code).toBe("duplicate-key");
    const lastWins = parseDictionary("a=1, b=3, a=2", { duplicates: "last-wins" });
    expect(lastWins.get("a")).toEqual(item(2));
    expect([...lastWins.keys()]).toEqual(["a", "b"]);
  });

  it("bounds input length, member count, inner-list size and parameter count", () => {
    expect(errorOf(() => parseDictionary(`a="${"x".repeat(20_000)}"`)).code).toBe("too-large");
    const many = Array.from({ length: 65 }, (_, i) => `k${i}=1`).join(", ");
    expect(errorOf(() => parseDictionary(many)).code).toBe("too-large");
    const bigList = `a=(${Array.from({ length: 65 }, () => '"x"').join(" ")})`;
    expect(errorOf(() => parseDictionary(bigList)).code).toBe("too-large");
    const params = `a=1${Array.from({ length: 33 }, (_, i) => `;p${i}`).join("")}`;
    expect(errorOf(() => parseDictionary(params)).code).toBe("too-large");
    expect(parseDictionary(many, { maxMembers: 100 }).size).toBe(65);
  });

  it("refuses non-string input with a typed error", () => {
    expect(errorOf(() => parseDictionary(undefined as unknown as string)).code).toBe("invalid-value");
  });
});

describe("parseList / parseItem", () => {
  it("parses a list with inner lists and items", () => {
    const list = parseList('("a" "b");x=1, tok, ?1');
    expect(list).toHaveLength(3);
    expect(serializeList(list)).toBe('("a" "b");x=1, tok, ?1');
  });

  it("parses a single item with parameters and refuses two items", () => {
    expect(parseItem('"@method";req')).toEqual(item("@method", new Map([["req", true]])));
    expect(errorOf(() => parseItem('"a", "b"')).code).toBe("malformed");
  });
});

describe("serialization", () => {
  it("serializes an inner list with parameters in insertion order", () => {
    const list = innerList([item("@method"), item("@path")], new Map<string, string | number>([["created", 1], ["keyid", "k"]]));
    expect(serializeInnerList(list)).toBe('("@method" "@path");created=1;keyid="k"');
  });

  it("refuses values that have no structured-field form", () => {
    expect(() => serializeBareItem(1.5)).toThrow(StructuredFieldError);
    expect(() => serializeBareItem(1e16)).toThrow(StructuredFieldError);
    expect(() => serializeBareItem("caf\u00e9")).toThrow(StructuredFieldError);
    expect(() => serializeBareItem("line\nbreak")).toThrow(StructuredFieldError);
    expect(() => serializeBareItem(new Token("1abc"))).toThrow(StructuredFieldError);
    expect(() => serializeDictionary(new Map([["Bad", item(1)]]))).toThrow(StructuredFieldError);
  });

  it("serializes decimals with at least one fractional digit", () => {
    expect(serializeBareItem(new Decimal(2))).toBe("2.0");
    expect(serializeBareItem(new Decimal(1.23456))).toBe("1.235");
  });
});

describe("strictBase64", () => {
  it("accepts canonical padded base64 only", () => {
    expect(strictBase64("AQID")).toEqual(new Uint8Array([1, 2, 3]));
    expect(strictBase64("")).toEqual(new Uint8Array());
    expect(strictBase64("AQI")).toBeNull();
    expect(strictBase64("AQ-_")).toBeNull();
  });
});
