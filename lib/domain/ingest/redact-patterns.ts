/**
 * What secret-like content looks like inside a string, and how it is replaced
 * (`[REDACTED:<kind>]`). Each detector is a global regex plus a replacer that
 * keeps the harmless context (the `Bearer ` word, the user of a URL, the
 * `password=` name). Thresholds are documented in docs/ingest-events.md.
 */

export type RedactionKind =
  | "private_key"
  | "aws_access_key_id"
  | "aws_secret_access_key"
  | "github_token"
  | "slack_token"
  | "stripe_key"
  | "api_key"
  | "jwt"
  | "bearer_token"
  | "basic_auth"
  | "url_password"
  | "assigned_secret"
  | "sensitive_field";

export const redactedMarker = (kind: string): string => `[REDACTED:${kind}]`;

/** `password=`/`token=`… values count as secrets from this length… */
export const ASSIGNED_SECRET_MIN_LENGTH = 8;
/** …and this Shannon entropy, in bits per character. */
export const ASSIGNED_SECRET_MIN_ENTROPY = 2.75;

/** Shannon entropy of a string in bits per character (0 for ""). */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const n = [...value].length;
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A JWT candidate is only a JWT when its header decodes to a JSON object with `alg`. */
function isJwtHeader(segment: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as unknown;
    return typeof header === "object" && header !== null && typeof (header as { alg?: unknown }).alg === "string";
  } catch {
    return false;
  }
}

/** Values that merely stand in for a secret: placeholders, already-redacted markers, references. */
function isPlaceholder(value: string): boolean {
  return (
    value.startsWith("[REDACTED") ||
    value.startsWith("secret://") ||
    value.startsWith("//") || // "secret://…", "token://…": a URL scheme, not an assignment
    /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value) ||
    /^<[^>]*>$/.test(value) ||
    /^(?:\*+|x+|\.+)$/i.test(value)
  );
}

/** One secret found in a string: the span [start, end) and what replaces it. */
export interface Hit {
  start: number;
  end: number;
  replacement: string;
}

export interface Detector {
  kind: RedactionKind;
  find: (text: string) => Hit[];
}

/**
 * A detector from a global regex; `replace` gives the replacement for one
 * match (from its capture groups), or null to leave that match alone.
 * Repetitions in these patterns are bounded or anchored on a literal, so a
 * hostile string cannot make them backtrack quadratically.
 */
function regexDetector(kind: RedactionKind, pattern: RegExp, replace: (groups: string[]) => string | null): Detector {
  return {
    kind,
    find: (text) => {
      const hits: Hit[] = [];
      for (const match of text.matchAll(pattern)) {
        const replacement = replace(match.slice(1).map((group) => group ?? ""));
        if (replacement !== null) hits.push({ start: match.index, end: match.index + match[0].length, replacement });
      }
      return hits;
    },
  };
}

const whole = (kind: RedactionKind) => () => redactedMarker(kind);

export const AWS_ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/;
/** 40 base64 characters standing alone: an AWS secret access key when one of the access key ids is near. */
export const AWS_SECRET_CANDIDATE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY-----/g;
/** What may follow an unterminated BEGIN line: base64 body, PEM headers, whitespace. */
const PEM_RUN_ON = /[A-Za-z0-9+/=\s:,.-]*/y;

/**
 * PEM private key blocks: BEGIN … matching END, or, without an END line, the
 * BEGIN line and the base64 that follows it. Linear: a failed search for an
 * END marker is remembered, so many BEGIN lines cannot make it quadratic.
 */
export function findPrivateKeys(text: string): Hit[] {
  const hits: Hit[] = [];
  const noEndFrom = new Map<string, number>();
  const begin = new RegExp(PEM_BEGIN.source, "g");
  for (let match = begin.exec(text); match !== null; match = begin.exec(text)) {
    const label = match[1] ?? "";
    const headerEnd = match.index + match[0].length;
    const endMarker = `-----END ${label}PRIVATE KEY-----`;
    let end = -1;
    if (headerEnd < (noEndFrom.get(label) ?? Number.POSITIVE_INFINITY)) {
      const at = text.indexOf(endMarker, headerEnd);
      if (at < 0) noEndFrom.set(label, headerEnd);
      else end = at + endMarker.length;
    }
    if (end < 0) {
      const runOn = new RegExp(PEM_RUN_ON.source, "y");
      runOn.lastIndex = headerEnd;
      end = headerEnd + (runOn.exec(text)?.[0].length ?? 0);
    }
    hits.push({ start: match.index, end, replacement: redactedMarker("private_key") });
    begin.lastIndex = Math.max(end, headerEnd);
  }
  return hits;
}

export const DETECTORS: Detector[] = [
  { kind: "private_key", find: findPrivateKeys },
  regexDetector("jwt", /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{2,1024})\.([A-Za-z0-9_-]{2,16384})\.([A-Za-z0-9_-]{0,2048})/g, ([header = ""]) =>
    isJwtHeader(header) ? redactedMarker("jwt") : null,
  ),
  regexDetector("aws_access_key_id", new RegExp(AWS_ACCESS_KEY_ID.source, "g"), whole("aws_access_key_id")),
  regexDetector("github_token", /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g, whole("github_token")),
  regexDetector("slack_token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, whole("slack_token")),
  regexDetector("stripe_key", /\b(?:sk|rk|pk|whsec)_(?:live|test)_[A-Za-z0-9]{16,}/g, whole("stripe_key")),
  regexDetector("api_key", /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/g, whole("api_key")),
  regexDetector("bearer_token", /\b(Bearer)\s{1,16}([A-Za-z0-9._~+/-]{8,}=*)/gi, ([word = "Bearer", token = ""]) =>
    looksLikeToken(token) ? `${word} ${redactedMarker("bearer_token")}` : null,
  ),
  regexDetector("basic_auth", /\b(Basic)\s{1,16}([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g, ([word = "Basic", value = ""]) =>
    Buffer.from(value, "base64").toString("utf8").includes(":") ? `${word} ${redactedMarker("basic_auth")}` : null,
  ),
  regexDetector(
    "url_password",
    /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s:/@[\]]{1,256}):([^\s/@]{1,256})@/gi,
    ([scheme = "", user = "", pass = ""]) => (isPlaceholder(pass) ? null : `${scheme}${user}:${redactedMarker("url_password")}@`),
  ),
  regexDetector(
    "assigned_secret",
    /\b((?:[A-Za-z0-9]{1,32}[_-]){0,4}(?:password|passwd|pwd|passphrase|token|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret))(["']?\s{0,16}[=:]\s{0,16}["']?)([^\s"'&,;]+)/gi,
    ([name = "", sep = "", value = ""]) =>
      !isPlaceholder(value) &&
      [...value].length >= ASSIGNED_SECRET_MIN_LENGTH &&
      shannonEntropy(value) >= ASSIGNED_SECRET_MIN_ENTROPY
        ? `${name}${sep}${redactedMarker("assigned_secret")}`
        : null,
  ),
];

/**
 * Key names whose values are secrets whatever they look like (compared after
 * lower-casing and dropping `_`, `-`, `.`, spaces): exact names, or names
 * ending in one of them (`db_password`, `github_token`, `aws_secret_access_key`).
 */
export const SENSITIVE_KEY_SUFFIXES = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "privatekey",
  "apikey",
  "authorization",
  "secretaccesskey",
  "credentials",
  "cookie",
] as const;

/** Recently seen key names (hosts repeat the same few), bounded. */
const sensitiveKeyCache = new Map<string, boolean>();
const SENSITIVE_KEY_CACHE_MAX = 4096;

export function isSensitiveKey(key: string): boolean {
  const cached = sensitiveKeyCache.get(key);
  if (cached !== undefined) return cached;
  const normalized = key.toLowerCase().replace(/[\s_.-]/g, "");
  const sensitive = SENSITIVE_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix)) || normalized === "pwd";
  if (key.length <= 128) {
    if (sensitiveKeyCache.size >= SENSITIVE_KEY_CACHE_MAX) sensitiveKeyCache.clear();
    sensitiveKeyCache.set(key, sensitive);
  }
  return sensitive;
}

/** Bearer credentials are random-looking; plain words after "Bearer" (prose) are not. */
function looksLikeToken(value: string): boolean {
  return /\d/.test(value) || (value.length >= 20 && shannonEntropy(value) >= 3.5);
}

export interface StringRedaction {
  value: string;
  kinds: RedactionKind[];
}

/** Replace the hits (sorted, non-overlapping as found by one detector) in `text`. */
function applyHits(text: string, hits: Hit[]): string {
  let out = "";
  let at = 0;
  for (const hit of hits) {
    if (hit.start < at) continue;
    out += text.slice(at, hit.start) + hit.replacement;
    at = hit.end;
  }
  return out + text.slice(at);
}

/**
 * A cheap superset of what any detector needs to match: `:` or `=` (URL
 * passwords, assignments) or one of the literal anchors of the other
 * detectors, compared case-insensitively. A string without any of them
 * cannot contain a secret any detector finds, so it is not scanned.
 */
const MAYBE_SECRET = /[:=]|eyj|akia|asia|gh[pousr]_|github_pat_|xox|_live_|_test_|sk-|bearer|basic|-----begin/i;

/** False only when no detector of DETECTORS can find anything in `text`. */
export function mayContainSecret(text: string): boolean {
  return MAYBE_SECRET.test(text);
}

/** Apply every detector to one string. AWS secret keys are redacted only when `awsContext` (an access key id nearby). */
export function redactString(input: string, awsContext = false): StringRedaction {
  // Fast path: nothing to find, and no 40-character AWS secret candidate possible.
  if (!MAYBE_SECRET.test(input) && !(awsContext && input.length >= 40)) return { value: input, kinds: [] };
  const kinds: RedactionKind[] = [];
  let value = input;
  for (const detector of DETECTORS) {
    const hits = detector.find(value);
    if (hits.length === 0) continue;
    kinds.push(...hits.map(() => detector.kind));
    value = applyHits(value, hits);
  }
  if (awsContext || AWS_ACCESS_KEY_ID.test(input)) {
    value = value.replace(AWS_SECRET_CANDIDATE, (match) => {
      if (!/[A-Z]/.test(match) || !/[a-z]/.test(match)) return match; // hex digests, git shas: not base64 secrets
      kinds.push("aws_secret_access_key");
      return redactedMarker("aws_secret_access_key");
    });
  }
  return { value, kinds };
}
