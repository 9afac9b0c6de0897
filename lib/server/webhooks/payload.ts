/**
 * The webhook message for a new pending job: Slack-compatible (`text` and
 * `blocks`, so a Slack incoming-webhook URL works as is) and, per Standard
 * Webhooks, `type`, `timestamp` and `data` for programs.
 */
export interface PendingJobFacts {
  jobId: string;
  jobHash: string;
  topic: string;
  tenant: string;
  profile: string;
  tier: string;
  riskTags: string[];
  requester: string | null;
  hostId: string;
  reason: string;
  ruleIds: string[];
  approvalsNeeded: number;
  expiresAt: string;
  createdAt: string;
  /** Absolute link to the job page, when the console's URL is known. */
  link: string | null;
}

export interface PendingJobMessage {
  type: "job.pending_approval";
  timestamp: string;
  data: PendingJobFacts;
  text: string;
  blocks: unknown[];
}

/** Slack mrkdwn: escape the three characters Slack treats as control characters. */
function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function pendingJobMessage(facts: PendingJobFacts): PendingJobMessage {
  const who = facts.requester ? ` for ${facts.requester}` : "";
  const text = `Approval needed: ${facts.topic} on ${facts.profile} (${facts.tenant})${who}`;
  const fields = [
    `*Profile*\n${esc(facts.profile)} (${esc(facts.tier)})`,
    `*Tenant*\n${esc(facts.tenant)}`,
    `*Approvals needed*\n${facts.approvalsNeeded}`,
    `*Expires*\n${facts.expiresAt}`,
    `*Risk tags*\n${facts.riskTags.length ? esc(facts.riskTags.join(", ")) : "none"}`,
    `*Requested by*\n${esc(facts.requester ?? "not given")} via host ${esc(facts.hostId)}`,
  ];
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: "Approval needed", emoji: false } },
    { type: "section", text: { type: "mrkdwn", text: `*${esc(facts.topic)}*\n${esc(facts.reason)}` } },
    { type: "section", fields: fields.map((f) => ({ type: "mrkdwn", text: f })) },
    { type: "context", elements: [{ type: "mrkdwn", text: `job ${esc(facts.jobId)} · ${esc(facts.jobHash)}` }] },
  ];
  if (facts.link) {
    blocks.push({
      type: "actions",
      elements: [{ type: "button", text: { type: "plain_text", text: "Open in Cellgate" }, url: facts.link }],
    });
  }
  return { type: "job.pending_approval", timestamp: facts.createdAt, data: facts, text, blocks };
}
