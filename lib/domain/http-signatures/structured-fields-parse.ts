/**
 * Strict RFC 8941 parser (Dictionary, List, Item; Inner Lists and Parameters).
 * Follows the algorithms of RFC 8941 §4.2 step by step. Any deviation raises a
 * StructuredFieldError; sizes are bounded by ParseLimits.
 */
import {
  type BareItem,
  Decimal,
  DEFAULT_LIMITS,
  type Dictionary,
  type InnerList,
  type Item,
  type Member,
  type Parameters,
  type ParseLimits,
  StructuredFieldError,
  Token,
} from "./structured-fields-types";

const KEY_START = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_START = /[A-Za-z*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const DIGIT = /[0-9]/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

class Parser {
  private pos = 0;
  constructor(
    private readonly input: string,
    private readonly limits: ParseLimits,
  ) {}

  fail(message: string): never {
    throw new StructuredFieldError("malformed", message, this.pos);
  }

  private peek(): string | undefined {
    return this.input[this.pos];
  }

  private eof(): boolean {
    return this.pos >= this.input.length;
  }

  skipSP(): void {
    while (this.peek() === " ") this.pos++;
  }

  private skipOWS(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  done(): void {
    this.skipSP();
    if (!this.eof()) this.fail("unexpected trailing characters");
  }

  /** Shared loop of §4.2.1 and §4.2.2: members separated by "," with OWS. */
  private members(parseMember: () => void): void {
    if (this.eof()) return;
    let count = 0;
    for (;;) {
      if (++count > this.limits.maxMembers) {
        throw new StructuredFieldError("too-large", `more than ${this.limits.maxMembers} members`);
      }
      parseMember();
      this.skipOWS();
      if (this.eof()) return;
      if (this.peek() !== ",") this.fail('expected "," between members');
      this.pos++;
      this.skipOWS();
      if (this.eof()) this.fail("trailing comma");
    }
  }

  dictionary(): Dictionary {
    const dict: Dictionary = new Map();
    this.members(() => {
      const start = this.pos;
      const key = this.key();
      let member: Member;
      if (this.peek() === "=") {
        this.pos++;
        member = this.itemOrInnerList();
      } else {
        member = { kind: "item", value: true, params: this.parameters() };
      }
      if (dict.has(key)) {
        if (this.limits.duplicates === "error") {
          throw new StructuredFieldError("duplicate-key", `duplicate dictionary key "${key}"`, start);
        }
      }
      dict.set(key, member);
    });
    return dict;
  }

  list(): Member[] {
    const list: Member[] = [];
    this.members(() => list.push(this.itemOrInnerList()));
    return list;
  }

  private itemOrInnerList(): Member {
    return this.peek() === "(" ? this.innerList() : this.item();
  }

  private innerList(): InnerList {
    this.pos++; // "("
    const items: Item[] = [];
    for (;;) {
      this.skipSP();
      if (this.eof()) this.fail("unterminated inner list");
      if (this.peek() === ")") {
        this.pos++;
        return { kind: "inner-list", items, params: this.parameters() };
      }
      if (items.length >= this.limits.maxInnerListItems) {
        throw new StructuredFieldError("too-large", `more than ${this.limits.maxInnerListItems} inner-list items`);
      }
      items.push(this.item());
      const next = this.peek();
      if (next !== " " && next !== ")") this.fail("expected space or \")\" in inner list");
    }
  }

  item(): Item {
    const value = this.bareItem();
    return { kind: "item", value, params: this.parameters() };
  }

  private parameters(): Parameters {
    const params: Parameters = new Map();
    while (this.peek() === ";") {
      this.pos++;
      this.skipSP();
      const start = this.pos;
      const key = this.key();
      let value: BareItem = true;
      if (this.peek() === "=") {
        this.pos++;
        value = this.bareItem();
      }
      if (params.has(key) && this.limits.duplicates === "error") {
        throw new StructuredFieldError("duplicate-key", `duplicate parameter "${key}"`, start);
      }
      params.set(key, value);
      if (params.size > this.limits.maxParams) {
        throw new StructuredFieldError("too-large", `more than ${this.limits.maxParams} parameters`);
      }
    }
    return params;
  }

  private key(): string {
    const first = this.peek();
    if (first === undefined || !KEY_START.test(first)) this.fail("expected a key (lowercase letter or \"*\")");
    const start = this.pos;
    this.pos++;
    while (!this.eof() && KEY_CHAR.test(this.peek() as string)) this.pos++;
    return this.input.slice(start, this.pos);
  }

  private bareItem(): BareItem {
    const c = this.peek();
    if (c === undefined) this.fail("expected a value");
    if (c === "-" || DIGIT.test(c)) return this.number();
    if (c === '"') return this.string();
    if (c === ":") return this.byteSequence();
    if (c === "?") return this.boolean();
    if (TOKEN_START.test(c)) return this.token();
    return this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  private number(): number | Decimal {
    const start = this.pos;
    let sign = 1;
    if (this.peek() === "-") {
      sign = -1;
      this.pos++;
    }
    if (this.eof() || !DIGIT.test(this.peek() as string)) this.fail("expected a digit");
    let text = "";
    let isDecimal = false;
    while (!this.eof()) {
      const c = this.peek() as string;
      if (DIGIT.test(c)) {
        text += c;
        this.pos++;
      } else if (!isDecimal && c === ".") {
        if (text.length > 12) this.fail("decimal integer part longer than 12 digits");
        isDecimal = true;
        text += c;
        this.pos++;
      } else break;
      if (!isDecimal && text.length > 15) this.fail("integer longer than 15 digits");
      if (isDecimal && text.length > 16) this.fail("decimal longer than 16 characters");
    }
    if (!isDecimal) return sign * Number.parseInt(text, 10);
    if (text.endsWith(".")) {
      this.pos = start;
      this.fail("decimal ends with \".\"");
    }
    if (text.length - text.indexOf(".") - 1 > 3) this.fail("decimal with more than 3 fractional digits");
    return new Decimal(sign * Number.parseFloat(text));
  }

  private string(): string {
    this.pos++; // opening quote
    let out = "";
    for (;;) {
      if (this.eof()) this.fail("unterminated string");
      const c = this.input[this.pos++] as string;
      if (c === "\\") {
        const next = this.input[this.pos++];
        if (next !== '"' && next !== "\\") this.fail("invalid escape in string");
        out += next;
      } else if (c === '"') {
        return out;
      } else {
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) this.fail("string contains a non-printable or non-ASCII character");
        out += c;
      }
    }
  }

  private token(): Token {
    const start = this.pos;
    this.pos++;
    while (!this.eof() && TOKEN_CHAR.test(this.peek() as string)) this.pos++;
    return new Token(this.input.slice(start, this.pos));
  }

  private byteSequence(): Uint8Array {
    const start = this.pos;
    this.pos++; // ":"
    const end = this.input.indexOf(":", this.pos);
    if (end < 0) this.fail("unterminated byte sequence");
    const text = this.input.slice(this.pos, end);
    this.pos = end + 1;
    const bytes = strictBase64(text);
    if (!bytes) {
      this.pos = start;
      this.fail("byte sequence is not canonical padded base64");
    }
    return bytes;
  }

  private boolean(): boolean {
    this.pos++; // "?"
    const c = this.peek();
    if (c === "1" || c === "0") {
      this.pos++;
      return c === "1";
    }
    return this.fail("boolean must be ?0 or ?1");
  }
}

/** Decodes canonical, padded base64; returns null for anything else. */
export function strictBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  if (bytes.toString("base64") !== text) return null; // non-zero pad bits, misplaced "="
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function prepare(input: unknown, limits: ParseLimits): Parser {
  if (typeof input !== "string") {
    throw new StructuredFieldError("invalid-value", "structured field input must be a string");
  }
  if (input.length > limits.maxLength) {
    throw new StructuredFieldError("too-large", `field value longer than ${limits.maxLength} characters`);
  }
  // RFC 8941 §4.2: the field value must be ASCII.
  for (let i = 0; i < input.length; i++) {
    if (input.charCodeAt(i) > 0x7e) throw new StructuredFieldError("malformed", "field value is not ASCII", i);
  }
  const parser = new Parser(input, limits);
  parser.skipSP();
  return parser;
}

export function parseDictionary(input: string, limits: Partial<ParseLimits> = {}): Dictionary {
  const parser = prepare(input, { ...DEFAULT_LIMITS, ...limits });
  const dict = parser.dictionary();
  parser.done();
  return dict;
}

export function parseList(input: string, limits: Partial<ParseLimits> = {}): Member[] {
  const parser = prepare(input, { ...DEFAULT_LIMITS, ...limits });
  const list = parser.list();
  parser.done();
  return list;
}

export function parseItem(input: string, limits: Partial<ParseLimits> = {}): Item {
  const parser = prepare(input, { ...DEFAULT_LIMITS, ...limits });
  const item = parser.item();
  parser.done();
  return item;
}
