import { describe, expect, it } from "vitest";
import { castVote, closedToVotes, JOB_STATUS_LABELS } from "./index";

const job = { status: "PENDING_APPROVAL" as const, expiresAt: null, approvalsNeeded: 1, jobHash: "sha256:x", requesterIds: [] };

describe("why a job takes no vote", () => {
  it("says nothing while pending, and names the outcome in the console's words otherwise", () => {
    expect(closedToVotes("PENDING_APPROVAL")).toBeNull();
    expect(closedToVotes("APPROVED")).toBe("This job is already approved; it can no longer be approved or denied.");
    // REJECTED is the wire status of a job approvers denied: it reads "denied".
    expect(closedToVotes("REJECTED")).toBe("This job is already denied; it can no longer be approved or denied.");
    expect(closedToVotes("DENIED")).toBe("This job is denied by policy; it can no longer be approved or denied.");
    expect(closedToVotes("EXPIRED")).toBe("This job expired before it was decided; it can no longer be approved or denied.");
  });

  it("names the approvers' outcome with the vote's words, and keeps the policy's refusal apart", () => {
    expect([JOB_STATUS_LABELS.APPROVED, JOB_STATUS_LABELS.REJECTED]).toEqual(["Approved", "Denied"]);
    expect(JOB_STATUS_LABELS.DENIED).toBe("Denied by policy");
  });

  it("refuses a vote on a settled job in the same words", () => {
    const refused = castVote({ job: { ...job, status: "REJECTED" }, votes: [], voter: { userId: "a" }, vote: "approve", seenHash: "sha256:x", now: new Date() });
    expect(refused).toEqual({ ok: false, code: "not_pending", message: "This job is already denied; nothing was changed." });
    const expired = castVote({ job: { ...job, status: "EXPIRED" }, votes: [], voter: { userId: "a" }, vote: "deny", seenHash: "sha256:x", now: new Date() });
    expect(expired).toMatchObject({ ok: false, code: "expired", message: closedToVotes("EXPIRED") });
  });
});
