/**
 * Recognising secret values where only references belong. The manifest may
 * name secrets (`secret://store/path`) but never carry them; a value that
 * looks like a credential is refused, and is never echoed back in the error.
 */
import { SECRET_REF_PATTERN } from "./manifest-schema";

const SECRET_SHAPES: { label: string; pattern: RegExp }[] = [
  { label: "a private key", pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY/ },
  { label: "a PEM block", pattern: /-----BEGIN [A-Z0-9 ]+-----/ },
  { label: "an AWS access key", pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/ },
  { label: "a JSON Web Token", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { label: "a bearer token", pattern: /\bbearer\s+[A-Za-z0-9._~+/=-]{12,}/i },
  { label: "a password in a URL", pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
  { label: "a GitHub token", pattern: /\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}/ },
  { label: "a Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { label: "an API key", pattern: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|\bsk-[A-Za-z0-9_-]{20,}/ },
];

/** What kind of secret a string looks like, or null. */
export function secretShape(value: string): string | null {
  for (const { label, pattern } of SECRET_SHAPES) if (pattern.test(value)) return label;
  return null;
}

/** Why a `secrets` entry is not an acceptable reference, or null when it is one. */
export function secretReferenceProblem(value: unknown): string | null {
  if (typeof value !== "string") return "must be a secret:// reference (a string)";
  if (SECRET_REF_PATTERN.test(value)) {
    const shape = secretShape(value);
    return shape ? `a secret value (${shape}) inside a secret:// reference` : null;
  }
  if (value.startsWith("secret://")) return "malformed secret reference (expected secret://<store>/<path>)";
  const shape = secretShape(value);
  return `a secret value where a secret:// reference belongs${shape ? ` (looks like ${shape})` : ""}`;
}
