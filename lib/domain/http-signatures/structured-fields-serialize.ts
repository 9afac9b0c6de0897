/**
 * RFC 8941 §4.1 serialization. Refuses values that cannot be represented
 * (non-integer "integers", out-of-range numbers, non-printable strings,
 * invalid keys or tokens) with a StructuredFieldError.
 */
import {
  type BareItem,
  Decimal,
  type Dictionary,
  type InnerList,
  type Item,
  type Member,
  type Parameters,
  StructuredFieldError,
  Token,
} from "./structured-fields-types";

const KEY = /^[a-z*][a-z0-9_\-.*]*$/;
const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;
const MAX_INTEGER = 999_999_999_999_999;

function invalid(message: string): never {
  throw new StructuredFieldError("invalid-value", message);
}

export function serializeKey(key: string): string {
  if (!KEY.test(key)) invalid(`invalid key ${JSON.stringify(key)}`);
  return key;
}

export function serializeString(value: string): string {
  let out = '"';
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (c.length !== 1 || code < 0x20 || code > 0x7e) invalid("string contains a non-printable or non-ASCII character");
    if (c === '"' || c === "\\") out += "\\";
    out += c;
  }
  return `${out}"`;
}

export function serializeBareItem(value: BareItem): string {
  if (typeof value === "string") return serializeString(value);
  if (typeof value === "boolean") return value ? "?1" : "?0";
  if (typeof value === "number") {
    if (!Number.isInteger(value) || Math.abs(value) > MAX_INTEGER) invalid(`not a structured-field integer: ${value}`);
    return String(value);
  }
  if (value instanceof Token) {
    if (!TOKEN.test(value.value)) invalid(`invalid token ${JSON.stringify(value.value)}`);
    return value.value;
  }
  if (value instanceof Decimal) {
    const rounded = Math.round(value.value * 1000) / 1000;
    if (!Number.isFinite(rounded) || Math.abs(Math.trunc(rounded)) >= 1e12) invalid(`decimal out of range: ${value.value}`);
    const text = String(rounded);
    return text.includes(".") ? text : `${text}.0`;
  }
  if (value instanceof Uint8Array) return `:${Buffer.from(value).toString("base64")}:`;
  return invalid("unsupported bare item type");
}

export function serializeParams(params: Parameters): string {
  let out = "";
  for (const [key, value] of params) {
    out += `;${serializeKey(key)}`;
    if (value !== true) out += `=${serializeBareItem(value)}`;
  }
  return out;
}

export function serializeItem(item: Item): string {
  return serializeBareItem(item.value) + serializeParams(item.params);
}

export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(" ")})${serializeParams(list.params)}`;
}

export function serializeMember(member: Member): string {
  return member.kind === "inner-list" ? serializeInnerList(member) : serializeItem(member);
}

export function serializeList(list: Member[]): string {
  return list.map(serializeMember).join(", ");
}

export function serializeDictionary(dict: Dictionary): string {
  const parts: string[] = [];
  for (const [key, member] of dict) {
    const name = serializeKey(key);
    if (member.kind === "item" && member.value === true) parts.push(name + serializeParams(member.params));
    else parts.push(`${name}=${serializeMember(member)}`);
  }
  return parts.join(", ");
}
