/**
 * RFC 9530 Content-Digest for the bytes of a message body.
 *
 * Verification policy: the header is a Dictionary of algorithm → byte
 * sequence. Algorithms we support are `sha-256` and `sha-512`; others
 * (md5, sha, crc32c, …) are ignored. At least one supported algorithm must be
 * present, and EVERY supported algorithm present must match the body — a
 * header cannot smuggle a wrong sha-512 next to a right sha-256.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { parseDictionary } from "./structured-fields-parse";
import { serializeDictionary } from "./structured-fields-serialize";
import { item, StructuredFieldError } from "./structured-fields-types";

export type DigestAlgorithm = "sha-256" | "sha-512";

const NODE_HASH: Record<DigestAlgorithm, string> = { "sha-256": "sha256", "sha-512": "sha512" };

export type Body = Uint8Array | string;

export function bodyBytes(body: Body | undefined | null): Uint8Array {
  if (body === undefined || body === null) return new Uint8Array();
  return typeof body === "string" ? new TextEncoder().encode(body) : body;
}

function digest(algorithm: DigestAlgorithm, body: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(NODE_HASH[algorithm]).update(body).digest());
}

/** `sha-256=:<base64>:` (or several algorithms, in the order given). */
export function computeContentDigest(body: Body | undefined, algorithms: DigestAlgorithm[] = ["sha-256"]): string {
  const bytes = bodyBytes(body);
  return serializeDictionary(new Map(algorithms.map((alg) => [alg, item(digest(alg, bytes))])));
}

export type DigestCheck =
  | { ok: true; algorithms: DigestAlgorithm[] }
  | { ok: false; check: "bad-digest" | "digest-mismatch"; detail: string };

export function verifyContentDigest(header: string, body: Body | undefined): DigestCheck {
  let dict;
  try {
    dict = parseDictionary(header, { maxMembers: 16 });
  } catch (error) {
    const why = error instanceof StructuredFieldError ? error.message : "unreadable";
    return { ok: false, check: "bad-digest", detail: `Content-Digest is not a valid structured dictionary: ${why}` };
  }
  const bytes = bodyBytes(body);
  const checked: DigestAlgorithm[] = [];
  for (const [name, member] of dict) {
    if (name !== "sha-256" && name !== "sha-512") continue;
    if (member.kind !== "item" || !(member.value instanceof Uint8Array)) {
      return { ok: false, check: "bad-digest", detail: `Content-Digest ${name} is not a byte sequence` };
    }
    const expected = digest(name, bytes);
    const given = member.value;
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, check: "digest-mismatch", detail: `Content-Digest ${name} does not match the body` };
    }
    checked.push(name);
  }
  if (checked.length === 0) {
    return { ok: false, check: "bad-digest", detail: "Content-Digest has no supported algorithm (sha-256 or sha-512)" };
  }
  return { ok: true, algorithms: checked };
}
