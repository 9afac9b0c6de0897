import { describe, expect, it } from "vitest";
import { verifyWebhook, webhookHeaders, webhookKey, webhookSignature, WebhookSecretError } from "./sign";
import { pendingJobMessage } from "./payload";

// The reference vector of the Standard Webhooks specification's own test suite.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';

describe("Standard Webhooks signing", () => {
  it("matches the specification's reference signature", () => {
    expect(webhookSignature(SECRET, ID, TIMESTAMP, BODY)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    expect(webhookSignature(SECRET.slice("whsec_".length), ID, TIMESTAMP, BODY)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verifies within the tolerance and refuses changed bodies, stale timestamps and other secrets", () => {
    const headers = new Headers({ ...webhookHeaders(SECRET, ID, TIMESTAMP, BODY) });
    const at = new Date(TIMESTAMP * 1000 + 60_000);
    expect(verifyWebhook(SECRET, headers, BODY, at)).toBe(true);
    expect(verifyWebhook(SECRET, headers, BODY.replace("2", "3"), at)).toBe(false);
    expect(verifyWebhook(SECRET, headers, BODY, new Date(TIMESTAMP * 1000 + 301_000))).toBe(false);
    expect(verifyWebhook("whsec_" + Buffer.from("another key").toString("base64"), headers, BODY, at)).toBe(false);
    headers.set("webhook-signature", `v1,bm9wZQ== ${headers.get("webhook-signature")}`);
    expect(verifyWebhook(SECRET, headers, BODY, at)).toBe(true); // any one of several signatures
  });

  it("sends no signature without a secret and refuses a malformed secret without quoting it", () => {
    expect(webhookHeaders(null, ID, TIMESTAMP, BODY)).toEqual({ "webhook-id": ID, "webhook-timestamp": String(TIMESTAMP) });
    expect(() => webhookKey("whsec_not base64!")).toThrow(WebhookSecretError);
    expect(() => webhookKey("whsec_not base64!")).toThrow(/^(?!.*not base64).*$/);
  });
});

describe("pending job message", () => {
  it("is Slack-compatible (text + blocks) and escapes Slack control characters", () => {
    const message = pendingJobMessage({
      jobId: "job_x", jobHash: `sha256:${"a".repeat(64)}`, topic: "job.bridge.write.update_ticket", tenant: "acme", profile: "acme-ticket-triage",
      tier: "L2", riskTags: ["pii"], requester: "<b>@example.test", hostId: "h1", reason: "writes need <approval> & care", ruleIds: ["platform:writes"],
      approvalsNeeded: 1, expiresAt: "2026-01-01T00:00:00.000Z", createdAt: "2026-01-01T00:00:00.000Z", link: "https://c.example/approvals/job_x",
    });
    expect(message.text).toContain("job.bridge.write.update_ticket");
    const json = JSON.stringify(message.blocks);
    expect(json).toContain("writes need &lt;approval&gt; &amp; care");
    expect(json).toContain("&lt;b&gt;@example.test");
    expect(json).toContain("https://c.example/approvals/job_x");
    expect(message.data.jobId).toBe("job_x");
  });
});
