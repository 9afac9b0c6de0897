/**
 * Signing requests and responses with Ed25519 (RFC 9421 §3.1).
 * Returns the header values to ADD to the message; pure apart from reading
 * the clock and random bytes when `created` / `nonce` are not given.
 */
import { type KeyObject, randomBytes, sign } from "node:crypto";
import { type Body, bodyBytes, computeContentDigest } from "./content-digest";
import { toPrivateKey } from "./ed25519-keys";
import {
  buildSignatureBase,
  componentIdentifier,
  fieldValue,
  type HeaderInput,
  type Message,
  type RequestMessage,
  signatureParamsValue,
} from "./signature-base";
import { serializeDictionary, serializeKey } from "./structured-fields-serialize";
import { item, type Parameters } from "./structured-fields-types";

export interface SignatureOptions {
  /** The `keyid` parameter: the host key id registered in the console. */
  keyId: string;
  /** Ed25519 private key: a KeyObject or the raw 32-byte seed. */
  privateKey: KeyObject | Uint8Array;
  /** Requests: default 16 random bytes, base64url; null omits it. Responses: only sent when given. */
  nonce?: string | null;
  /** Unix seconds or a Date. Default: now. */
  created?: number | Date;
  expires?: number | Date;
  /** Include `alg="ed25519"` (default true). */
  includeAlg?: boolean;
  tag?: string;
  /** Dictionary key in Signature-Input / Signature. Default "sig1". */
  label?: string;
  /** Covered components, e.g. ["@method", "@path", "content-digest"]; `name;req` allowed on responses. */
  components?: string[];
}

export interface SignRequestInput extends SignatureOptions, RequestMessage {
  body?: Body;
}

export interface SignResponseInput extends SignatureOptions {
  status: number;
  headers: HeaderInput;
  body?: Body;
  /** The request answered, when components carry `;req`. */
  request?: RequestMessage;
}

/** Header values to add. Keys are the canonical header names. */
export type SignatureHeaders = {
  "Signature-Input": string;
  Signature: string;
  "Content-Digest"?: string;
};

export class SigningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SigningError";
  }
}

function unixSeconds(value: number | Date): number {
  const seconds = value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new SigningError("timestamps must be non-negative integer unix seconds");
  return seconds;
}

function signatureParams(options: SignatureOptions, nonce: string | undefined): Parameters {
  if (!options.keyId) throw new SigningError("keyId is required");
  const params: Parameters = new Map();
  params.set("created", unixSeconds(options.created ?? new Date()));
  if (options.expires !== undefined) params.set("expires", unixSeconds(options.expires));
  if (nonce !== undefined) params.set("nonce", nonce);
  params.set("keyid", options.keyId);
  if (options.includeAlg ?? true) params.set("alg", "ed25519");
  if (options.tag !== undefined) params.set("tag", options.tag);
  return params;
}

/** Headers as seen by the signature base: the caller's, with our Content-Digest on top. */
function withDigest(headers: HeaderInput, digest: string | undefined): HeaderInput {
  if (digest === undefined) return headers;
  const merged: Record<string, string | readonly string[] | undefined> = {};
  if (typeof Headers !== "undefined" && headers instanceof Headers) headers.forEach((v, k) => (merged[k] = v));
  else for (const [k, v] of Object.entries(headers)) merged[k.toLowerCase()] = v;
  merged["content-digest"] = digest;
  return merged;
}

function signMessage(message: Message, options: SignatureOptions, components: string[], digest: string | undefined, nonce?: string): SignatureHeaders {
  const label = serializeKey(options.label ?? "sig1");
  const key = toPrivateKey(options.privateKey);
  const ids = components.map(componentIdentifier);
  const params = signatureParams(options, nonce);
  const base = buildSignatureBase(message, ids, params);
  const signature = new Uint8Array(sign(null, Buffer.from(base, "utf8"), key));
  const headers: SignatureHeaders = {
    "Signature-Input": `${label}=${signatureParamsValue(ids, params)}`,
    Signature: serializeDictionary(new Map([[label, item(signature)]])),
  };
  if (digest !== undefined) headers["Content-Digest"] = digest;
  return headers;
}

function hasBody(body: Body | undefined): boolean {
  return body !== undefined && bodyBytes(body).length > 0;
}

/**
 * Signs a request. With a non-empty body a `Content-Digest: sha-256=:…:` is
 * computed (replacing any the caller had) and covered. Default components:
 * @method, @path, @query, plus content-digest and (when present)
 * content-type for a body. A nonce is always sent.
 */
export function signRequest(input: SignRequestInput): SignatureHeaders {
  const digest = hasBody(input.body) ? computeContentDigest(input.body) : undefined;
  const headers = withDigest(input.headers, digest);
  const components = input.components ?? [
    "@method",
    "@path",
    "@query",
    ...(digest ? ["content-digest"] : []),
    ...(digest && fieldValue(headers, "content-type") !== null ? ["content-type"] : []),
  ];
  const message: Message = { kind: "request", method: input.method, url: input.url, headers };
  const nonce = input.nonce === null ? undefined : (input.nonce ?? randomBytes(16).toString("base64url"));
  return signMessage(message, input, components, digest, nonce);
}

/**
 * Signs a response (e.g. the platform-signed directives). Default components:
 * @status, content-type (when present) and content-digest (when there is a
 * body). A nonce is only added when given.
 */
export function signResponse(input: SignResponseInput): SignatureHeaders {
  const digest = hasBody(input.body) ? computeContentDigest(input.body) : undefined;
  const headers = withDigest(input.headers, digest);
  const components = input.components ?? [
    "@status",
    ...(fieldValue(headers, "content-type") !== null ? ["content-type"] : []),
    ...(digest ? ["content-digest"] : []),
  ];
  const message: Message = { kind: "response", status: input.status, headers, request: input.request };
  return signMessage(message, input, components, digest, input.nonce ?? undefined);
}
