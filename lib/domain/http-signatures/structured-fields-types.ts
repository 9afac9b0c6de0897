/**
 * Data model for the subset of RFC 8941 Structured Field Values that
 * RFC 9421 (HTTP Message Signatures) and RFC 9530 (Digest Fields) need.
 *
 * Bare items map to JavaScript values as follows:
 * - String       → `string`
 * - Token        → `Token`
 * - Integer      → `number` (always an integer)
 * - Decimal      → `Decimal`
 * - Byte sequence→ `Uint8Array`
 * - Boolean      → `boolean`
 */
export class Token {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export class Decimal {
  constructor(readonly value: number) {}
}

export type BareItem = string | number | boolean | Token | Decimal | Uint8Array;

/** Ordered parameters (RFC 8941 §3.1.2). */
export type Parameters = Map<string, BareItem>;

export interface Item {
  kind: "item";
  value: BareItem;
  params: Parameters;
}

export interface InnerList {
  kind: "inner-list";
  items: Item[];
  params: Parameters;
}

export type Member = Item | InnerList;

/** Ordered dictionary (RFC 8941 §3.2). */
export type Dictionary = Map<string, Member>;

export type StructuredFieldErrorCode = "malformed" | "too-large" | "duplicate-key" | "invalid-value";

/** Every parse/serialize failure is one of these — never a bare TypeError. */
export class StructuredFieldError extends Error {
  constructor(
    readonly code: StructuredFieldErrorCode,
    message: string,
    readonly position?: number,
  ) {
    super(position === undefined ? message : `${message} (at offset ${position})`);
    this.name = "StructuredFieldError";
  }
}

/** Limits applied while parsing, so hostile headers cannot exhaust memory or time. */
export interface ParseLimits {
  /** Maximum input length in characters. */
  maxLength: number;
  /** Maximum number of dictionary/list members. */
  maxMembers: number;
  /** Maximum number of items in one inner list. */
  maxInnerListItems: number;
  /** Maximum number of parameters on one item or inner list. */
  maxParams: number;
  /**
   * RFC 8941 lets a later duplicate key overwrite an earlier one. For
   * security-sensitive headers (Signature-Input, Signature) an ambiguous
   * header is refused instead: the default here is "error".
   */
  duplicates: "error" | "last-wins";
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxLength: 16_384,
  maxMembers: 64,
  maxInnerListItems: 64,
  maxParams: 32,
  duplicates: "error",
};

export function item(value: BareItem, params: Parameters = new Map()): Item {
  return { kind: "item", value, params };
}

export function innerList(items: Item[], params: Parameters = new Map()): InnerList {
  return { kind: "inner-list", items, params };
}
