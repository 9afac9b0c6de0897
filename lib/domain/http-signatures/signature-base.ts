/**
 * RFC 9421 §2: component values and the signature base (§2.5).
 *
 * Supported component identifiers:
 * - derived: @method @target-uri @authority @scheme @request-target @path
 *   @query (requests), @status (responses);
 * - HTTP fields by lowercase name (values trimmed, obs-fold replaced by a
 *   space, several field lines joined with ", " per §2.1);
 * - the `req` flag on a response's component, taking it from the request
 *   the response answers (§2.4).
 * Other component parameters (sf, key, bs, tr, name) and @query-param are
 * refused as unsupported rather than guessed at.
 */
import { serializeInnerList, serializeItem } from "./structured-fields-serialize";
import { innerList, item, type Item, type Parameters } from "./structured-fields-types";

export type HeaderInput = Headers | Record<string, string | readonly string[] | undefined>;

export interface RequestMessage {
  method: string;
  url: string | URL;
  headers: HeaderInput;
}

export interface ResponseMessage {
  status: number;
  headers: HeaderInput;
  /** The request this response answers; needed only for `;req` components. */
  request?: RequestMessage;
}

export type Message = ({ kind: "request" } & RequestMessage) | ({ kind: "response" } & ResponseMessage);

export type SignatureBaseErrorCode = "missing-component" | "unsupported-component" | "invalid-component";

export class SignatureBaseError extends Error {
  constructor(
    readonly code: SignatureBaseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SignatureBaseError";
  }
}

const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const DERIVED = new Set(["@method", "@target-uri", "@authority", "@scheme", "@request-target", "@path", "@query", "@status"]);

/** Values of one field, per §2.1; null when the message has no such field. */
export function fieldValue(headers: HeaderInput, name: string): string | null {
  let lines: string[] = [];
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    const value = headers.get(name);
    if (value === null) return null;
    lines = [value];
  } else {
    let found = false;
    for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
      if (key.toLowerCase() !== name || value === undefined) continue;
      found = true;
      lines.push(...(typeof value === "string" ? [value] : value));
    }
    if (!found) return null;
  }
  const cleaned = lines.map((line) => line.replace(/\r?\n[ \t]+/g, " ").trim());
  for (const line of cleaned) {
    // A raw CR, LF or NUL could forge extra lines in the signature base.
    if (/[\r\n\0]/.test(line)) throw new SignatureBaseError("invalid-component", `field "${name}" contains a line break`);
  }
  return cleaned.join(", ");
}

function parseUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    throw new SignatureBaseError("invalid-component", "request URL is not an absolute URL");
  }
}

const DEFAULT_PORT: Record<string, string> = { "http:": "80", "https:": "443" };

function derivedValue(name: string, message: Message): string {
  if (name === "@status") {
    if (message.kind !== "response") throw new SignatureBaseError("invalid-component", "@status only applies to responses");
    if (!Number.isInteger(message.status) || message.status < 100 || message.status > 999) {
      throw new SignatureBaseError("invalid-component", "response status is not a three-digit integer");
    }
    return String(message.status);
  }
  if (message.kind !== "request") throw new SignatureBaseError("invalid-component", `${name} only applies to requests`);
  if (name === "@method") return message.method.toUpperCase();
  const url = parseUrl(message.url);
  switch (name) {
    case "@target-uri":
      return url.href;
    case "@authority": {
      const port = url.port && url.port !== DEFAULT_PORT[url.protocol] ? `:${url.port}` : "";
      return url.hostname.toLowerCase() + port;
    }
    case "@scheme":
      return url.protocol.slice(0, -1).toLowerCase();
    case "@request-target":
      return (url.pathname || "/") + url.search;
    case "@path":
      return url.pathname || "/";
    case "@query":
      return url.search || "?";
    default:
      throw new SignatureBaseError("unsupported-component", `unsupported derived component ${name}`);
  }
}

/** The value of one component identifier for a message (§2.1–§2.4). */
export function componentValue(component: Item, message: Message): string {
  const name = component.value;
  if (typeof name !== "string") throw new SignatureBaseError("invalid-component", "component identifier must be a string");
  let context: Message = message;
  for (const [param, value] of component.params) {
    if (param !== "req" || value !== true) {
      throw new SignatureBaseError("unsupported-component", `unsupported component parameter "${param}" on "${name}"`);
    }
    if (message.kind !== "response" || !message.request) {
      throw new SignatureBaseError("invalid-component", `"${name}";req needs the request a response answers`);
    }
    context = { kind: "request", ...message.request };
  }
  if (name.startsWith("@")) {
    if (!DERIVED.has(name)) throw new SignatureBaseError("unsupported-component", `unsupported derived component ${name}`);
    return derivedValue(name, context);
  }
  if (!FIELD_NAME.test(name)) {
    throw new SignatureBaseError("invalid-component", `component name ${JSON.stringify(name)} is not a lowercase field name`);
  }
  const value = fieldValue(context.headers, name);
  if (value === null) throw new SignatureBaseError("missing-component", `covered field "${name}" is absent from the message`);
  return value;
}

/** Parses `name` or `name;req` (the only parameter supported) into a component identifier. */
export function componentIdentifier(spec: string): Item {
  const [name = "", ...flags] = spec.split(";");
  const params: Parameters = new Map();
  for (const flag of flags) {
    if (flag !== "req") throw new SignatureBaseError("unsupported-component", `unsupported component parameter "${flag}"`);
    params.set("req", true);
  }
  return item(name.startsWith("@") ? name : name.toLowerCase(), params);
}

/** Serialization of the `@signature-params` value (the Signature-Input member). */
export function signatureParamsValue(components: Item[], params: Parameters): string {
  return serializeInnerList(innerList(components, params));
}

/**
 * §2.5: one line per covered component, `"<identifier>": <value>`, then the
 * `"@signature-params"` line; lines joined by LF, no trailing LF.
 */
export function buildSignatureBase(message: Message, components: Item[], params: Parameters): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const component of components) {
    const id = serializeItem(component);
    if (seen.has(id)) throw new SignatureBaseError("invalid-component", `component ${id} is covered twice`);
    if (component.value === "@signature-params") {
      throw new SignatureBaseError("invalid-component", "@signature-params cannot be a covered component");
    }
    seen.add(id);
    lines.push(`${id}: ${componentValue(component, message)}`);
  }
  lines.push(`"@signature-params": ${signatureParamsValue(components, params)}`);
  return lines.join("\n");
}
