import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { redactAttributes, redactEvent } from "./redact";
import { isSensitiveKey, shannonEntropy } from "./redact-patterns";

// Secret-shaped fixtures are assembled at run time so that no scanner mistakes this file for a leak.
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const JWT = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url({ sub: "svc", exp: 1 })}.${randomBytes(32).toString("base64url")}`;
const AWS_ID = ["AKIA", "IOSFODNN7EXAMPLE"].join("");
const AWS_SECRET = ["wJalrXUtnFEMI", "/K7MDENG/bPxRfiCYEXAMPLEKEY"].join("");
const PEM_BODY = randomBytes(96).toString("base64").replace(/(.{64})/g, "$1\n");
const PEM_BEGIN = ["-----BEGIN", "RSA PRIVATE KEY-----"].join(" ");
const PEM_END = ["-----END", "RSA PRIVATE KEY-----"].join(" ");
const PEM = `${PEM_BEGIN}\n${PEM_BODY}\n${PEM_END}`;
const GITHUB = `ghp_${"A1b2C3d4E5".repeat(4)}`;
const SLACK = ["xoxb", "1234567890", "abcdefghijkl"].join("-");
const STRIPE = ["sk", "live", "4eC39HqLyjWDarjtT1zdp7dc"].join("_");

function redactOne(value: unknown) {
  const result = redactAttributes({ value });
  return { value: (result.value as { value: unknown }).value, summary: result.summary };
}

describe("redactAttributes: one kind at a time", () => {
  const cases: Array<[string, string, string, string]> = [
    ["PEM private key", `key follows ${PEM} done`, "key follows [REDACTED:private_key] done", "private_key"],
    ["AWS access key id", `id ${AWS_ID} used`, "id [REDACTED:aws_access_key_id] used", "aws_access_key_id"],
    ["GitHub token", `clone with ${GITHUB}`, "clone with [REDACTED:github_token]", "github_token"],
    ["Slack token", `slack ${SLACK}`, "slack [REDACTED:slack_token]", "slack_token"],
    ["Stripe key", `stripe ${STRIPE}`, "stripe [REDACTED:stripe_key]", "stripe_key"],
    ["JWT", `got ${JWT} back`, "got [REDACTED:jwt] back", "jwt"],
    ["Bearer token", "Authorization header was Bearer abc123def456ghi789", "Authorization header was Bearer [REDACTED:bearer_token]", "bearer_token"],
    ["Basic credentials", `sent Basic ${Buffer.from("user:pw").toString("base64")}`, "sent Basic [REDACTED:basic_auth]", "basic_auth"],
    ["URL password", "postgres://app:s3cr3t-pw@db.internal:5432/app", "postgres://app:[REDACTED:url_password]@db.internal:5432/app", "url_password"],
    ["password= with high entropy", "login password=Zq8#xL2!pW9v ok", "login password=[REDACTED:assigned_secret] ok", "assigned_secret"],
    ["token: in JSON text", '{"api_key": "f9K2mQ7xL0pZ3rT8"}', '{"api_key": "[REDACTED:assigned_secret]"}', "assigned_secret"],
  ];
  it.each(cases)("%s", (_name, input, expected, kind) => {
    const { value, summary } = redactOne(input);
    expect(value).toBe(expected);
    expect(summary).toEqual({ count: 1, fields: ["attributes.value"], kinds: { [kind]: 1 } });
  });

  it("redacts an AWS secret key next to its access key id in one string", () => {
    const { value, summary } = redactOne(`aws_access_key_id=${AWS_ID} aws_secret=${AWS_SECRET}`);
    expect(value).not.toContain(AWS_SECRET);
    expect(value).not.toContain(AWS_ID);
    expect(summary?.kinds.aws_access_key_id).toBe(1);
    expect(JSON.stringify(summary)).not.toContain("EXAMPLE");
  });

  it("keeps a Bearer JWT's scheme word and calls it a jwt", () => {
    expect(redactOne(`Bearer ${JWT}`).value).toBe("Bearer [REDACTED:jwt]");
  });
});

describe("redactAttributes: sensitive key names", () => {
  it("redacts values under password/secret/token/private_key/api_key/authorization keys whatever they look like", () => {
    const input = {
      password: "hunter2",
      db: { user: "app", db_password: "x", port: 5432 },
      githubToken: "short",
      private_key: 12345,
      "api-key": "k",
      Authorization: `Bearer ${JWT}`,
      clientSecret: { nested: ["a", "b"] },
    };
    const { value, summary } = redactAttributes(input);
    expect(value).toEqual({
      password: "[REDACTED:sensitive_field]",
      db: { user: "app", db_password: "[REDACTED:sensitive_field]", port: 5432 },
      githubToken: "[REDACTED:sensitive_field]",
      private_key: "[REDACTED:sensitive_field]",
      "api-key": "[REDACTED:sensitive_field]",
      Authorization: "[REDACTED:jwt]",
      clientSecret: { nested: ["[REDACTED:sensitive_field]", "[REDACTED:sensitive_field]"] },
    });
    expect(summary?.count).toBe(8);
    expect(summary?.fields).toContain("attributes.api-key");
    expect(summary?.fields).toContain("attributes.clientSecret.nested[1]");
  });

  it("keeps secret:// references, empty strings, booleans and nulls under sensitive keys", () => {
    const input = { password: "secret://vault/acme/db", token: "", secret: null, has_password: true };
    expect(redactAttributes(input)).toEqual({ value: input, summary: null });
  });

  it("does not treat token counts or similar names as sensitive", () => {
    for (const key of ["tokensIn", "tokensOut", "maxTokens", "tokenizer", "passwordPolicy", "secretRef", "api_key_id"]) {
      expect(isSensitiveKey(key)).toBe(false);
    }
    for (const key of ["password", "DB_PASSWORD", "aws_secret_access_key", "x-api-key", "refresh.token", "authorization", "pwd"]) {
      expect(isSensitiveKey(key)).toBe(true);
    }
  });
});

describe("redactAttributes: secrets split across fields", () => {
  it("redacts a PEM key whose BEGIN line and body are in sibling fields", () => {
    const input = { part1: PEM_BEGIN, part2: PEM_BODY, part3: PEM_END, host: "web-1" };
    const { value, summary } = redactAttributes(input);
    expect(value).toEqual({
      part1: "[REDACTED:private_key]",
      part2: "[REDACTED:private_key]",
      part3: "[REDACTED:private_key]",
      host: "web-1",
    });
    expect(summary?.fields).toEqual(["attributes.part1", "attributes.part2", "attributes.part3"]);
    expect(JSON.stringify(value)).not.toContain(PEM_BODY.slice(0, 20));
  });

  it("redacts an unterminated PEM split across array elements", () => {
    const { value } = redactAttributes({ lines: [PEM_BEGIN, PEM_BODY.replaceAll("\n", "")], note: "rotated, see ticket" });
    expect(value).toEqual({ lines: ["[REDACTED:private_key]", "[REDACTED:private_key]"], note: "rotated, see ticket" });
  });

  it("redacts an AWS secret key in a sibling of the access key id, whatever the key names", () => {
    const input = { a: AWS_ID, b: AWS_SECRET, c: "eu-west-1", sha: "3f786850e387550fdab836ed7e6dc881de23001b" };
    const { value, summary } = redactAttributes(input);
    expect(value).toEqual({
      a: "[REDACTED:aws_access_key_id]",
      b: "[REDACTED:aws_secret_access_key]",
      c: "eu-west-1",
      sha: "3f786850e387550fdab836ed7e6dc881de23001b",
    });
    expect(summary?.kinds).toEqual({ aws_access_key_id: 1, aws_secret_access_key: 1 });
  });

  it("redacts aws_access_key_id / aws_secret_access_key siblings by name and shape", () => {
    const { value } = redactAttributes({ creds: { aws_access_key_id: AWS_ID, aws_secret_access_key: "anything-at-all" } });
    expect(value).toEqual({
      creds: { aws_access_key_id: "[REDACTED:aws_access_key_id]", aws_secret_access_key: "[REDACTED:sensitive_field]" },
    });
  });

  it("redacts password= and its value in sibling fields", () => {
    const { value } = redactAttributes({ args: ["--login", "password=", "Zq8#xL2!pW9v"] });
    expect(value).toEqual({ args: ["--login", "[REDACTED:assigned_secret]", "[REDACTED:assigned_secret]"] });
  });

  it("copes with many unterminated BEGIN lines (one redaction per field, siblings included)", () => {
    const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, `${PEM_BEGIN}!`]));
    const { summary } = redactAttributes(many);
    expect(summary?.fields).toHaveLength(2000);
    expect(summary?.kinds).toEqual({ private_key: 2000 });
  });

  it("redacts a Bearer scheme and its token in sibling fields", () => {
    const { value, summary } = redactAttributes({ scheme: "Bearer", credential: "tok_9f8e7d6c5b4a" });
    expect(value).toEqual({ scheme: "[REDACTED:bearer_token]", credential: "[REDACTED:bearer_token]" });
    expect(summary?.count).toBe(2);
  });
});

describe("redactAttributes: no false positives", () => {
  it("leaves ordinary text, digests, UUIDs, hex ids, URLs without passwords and secret references alone", () => {
    const input = {
      message: "The Bearer authentication scheme was rejected; password reset requested by user",
      digest: `sha256:${"0123456789abcdef".repeat(4)}`,
      id: randomUUID(),
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      commit: "3f786850e387550fdab836ed7e6dc881de23001b",
      url: "https://user@example.com/path?x=1",
      api: "https://api.example.com:8443/v1/items",
      ref: "secret://vault/acme/db",
      placeholders: "password=${DB_PASSWORD} token=<your-token> secret=******** token=expired",
      short: "password=hunter2",
      base64ish: "aGVsbG8gd29ybGQ=",
      model: "claude-3-5-sonnet-20241022",
      dotted: "eyJhbGciOi.not.a.jwt",
      count: 42,
      nested: [{ tokensIn: 5, tokensOut: 6 }],
    };
    expect(redactAttributes(input)).toEqual({ value: input, summary: null });
  });

  it("does not take a base64 looking JWT without an alg header for a JWT", () => {
    const fake = `${b64url({ hello: "world" })}.${b64url({ a: 1 })}.sig`;
    expect(redactOne(`value ${fake}`).summary).toBeNull();
  });

  it("is idempotent: redacting redacted output changes nothing", () => {
    const once = redactAttributes({ url: "https://a:pw-1234@x.example", password: "p", token: JWT });
    expect(redactAttributes(once.value)).toEqual({ value: once.value, summary: null });
  });
});

describe("redactAttributes: safety", () => {
  it("never modifies its input and never mutates prototypes", () => {
    const input = JSON.parse(`{"__proto__":{"polluted":"${GITHUB}"},"a":"${GITHUB}"}`) as Record<string, unknown>;
    const snapshot = JSON.stringify(input);
    const { value, summary } = redactAttributes(input);
    expect(JSON.stringify(input)).toBe(snapshot);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(["__proto__", "a"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(summary?.kinds.github_token).toBe(2);
  });

  it("passes non-objects through", () => {
    expect(redactAttributes(null)).toEqual({ value: null, summary: null });
    expect(redactAttributes(7)).toEqual({ value: 7, summary: null });
  });

  it("shannonEntropy is 0 for one repeated symbol and log2(n) for n distinct ones", () => {
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
    expect(shannonEntropy("")).toBe(0);
  });
});

describe("redactEvent", () => {
  it("redacts attributes and a JWT smuggled into traceId, summary without the secret", () => {
    const event = { id: "e1", type: "x-t", profile: "acme-a", occurredAt: "2026-11-22T19:00:00Z", traceId: JWT, attributes: { note: `Bearer ${GITHUB}` } };
    const { event: redacted, redactions } = redactEvent(event);
    expect(redacted.traceId).toBe("[REDACTED:jwt]");
    expect(redacted.attributes).toEqual({ note: "Bearer [REDACTED:github_token]" });
    expect(redactions).toEqual({ count: 2, fields: ["attributes.note", "traceId"], kinds: { github_token: 1, jwt: 1 } });
    expect(JSON.stringify(redactions)).not.toContain(GITHUB);
    expect(event.traceId).toBe(JWT);
  });

  it("gives a null summary for a clean event", () => {
    const event = { id: "e2", type: "health.heartbeat", profile: "acme-a", occurredAt: "2026-11-22T19:00:00Z", attributes: {} };
    expect(redactEvent(event)).toEqual({ event, redactions: null });
  });
});
