/** What the member checks share while one packet is verified. */
import type { KeyObject } from "node:crypto";
import { canonicalize } from "../canonical-json";
import type { SignedCheckpoint } from "../checkpoint";
import type { Manifest } from "./format";

export interface PacketFailure {
  member?: string;
  message: string;
}

/** At most this many failures are reported per member; the rest are counted. */
const PER_MEMBER = 20;

export class VerifyContext {
  readonly failures: PacketFailure[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    readonly files: Map<string, Uint8Array>,
    readonly manifest: Manifest,
    readonly publicKey: KeyObject,
    /** The anchor checkpoint, or null when its signature or shape failed. */
    readonly checkpoint: SignedCheckpoint | null,
  ) {}

  fail(member: string | undefined, message: string): void {
    const key = member ?? "";
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n <= PER_MEMBER) this.failures.push(member === undefined ? { message } : { member, message });
  }

  /** Appends "…and N more" lines for members whose failures were capped. */
  finish(): PacketFailure[] {
    for (const [key, n] of this.counts) {
      if (n > PER_MEMBER) this.failures.push({ ...(key ? { member: key } : {}), message: `…and ${n - PER_MEMBER} more problems` });
    }
    return this.failures;
  }
}

export type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

/** JSON text that must be exactly its RFC 8785 canonical form. */
export function parseCanonical(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: "is not valid JSON" };
  }
  try {
    if (canonicalize(value) !== text) return { ok: false, reason: "is not in RFC 8785 canonical form" };
  } catch {
    return { ok: false, reason: "is not canonicalizable JSON" };
  }
  return { ok: true, value };
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Strict UTF-8 decoding: null for malformed bytes. */
export function utf8(data: Uint8Array): string | null {
  try {
    return UTF8.decode(data);
  } catch {
    return null;
  }
}

/** The lines of a JSON Lines member (each ends in "\n"), or null when not UTF-8 or the last line is unterminated. */
export function splitLines(data: Uint8Array): string[] | null {
  if (data.length === 0) return [];
  const text = utf8(data);
  if (text === null || !text.endsWith("\n")) return null;
  return text.slice(0, -1).split("\n");
}

/** A JSON member: canonical JSON followed by one "\n". */
export function parseJsonMember(data: Uint8Array): Parsed {
  const text = utf8(data);
  if (text === null) return { ok: false, reason: "is not valid UTF-8" };
  if (!text.endsWith("\n")) return { ok: false, reason: "does not end with a newline" };
  return parseCanonical(text.slice(0, -1));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
