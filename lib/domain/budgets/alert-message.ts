/**
 * The webhook message for a budget threshold crossed: Slack-compatible
 * (`text` and `blocks`, so a Slack incoming-webhook URL works as is) and, per
 * Standard Webhooks, `type`, `timestamp` and `data` for programs — the same
 * shape as the pending-job message (lib/server/webhooks/payload.ts).
 */
export interface BudgetAlertFacts {
  alertId: string;
  /** "tenant" budget or "profile" budget. */
  scope: "tenant" | "profile";
  tenant: string;
  /** The profile slug for a profile budget, else null. */
  profile: string | null;
  threshold: number;
  /** Month-to-date spend when the threshold was seen crossed, USD. */
  spendUsd: string;
  budgetUsd: string;
  /** YYYY-MM of the budget period (UTC). */
  period: string;
  createdAt: string;
  /** Absolute link to the cost dashboard, when the console's URL is known. */
  link: string | null;
}

export interface BudgetAlertMessage {
  type: "budget.alert";
  timestamp: string;
  data: BudgetAlertFacts;
  text: string;
  blocks: unknown[];
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** "$1,234.50" from a decimal string, without float surprises for display. */
export function formatUsd(value: string | number): string {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function budgetAlertMessage(facts: BudgetAlertFacts): BudgetAlertMessage {
  const subject = facts.profile ? `profile ${facts.profile} (${facts.tenant})` : `tenant ${facts.tenant}`;
  const text = `Budget ${facts.threshold >= 100 ? "exceeded" : "warning"}: ${subject} has spent ${formatUsd(facts.spendUsd)} of ${formatUsd(facts.budgetUsd)} in ${facts.period} (${facts.threshold} % reached)`;
  const fields = [
    `*${facts.profile ? "Profile" : "Tenant"}*\n${esc(facts.profile ?? facts.tenant)}`,
    `*Tenant*\n${esc(facts.tenant)}`,
    `*Spent*\n${formatUsd(facts.spendUsd)}`,
    `*Monthly budget*\n${formatUsd(facts.budgetUsd)}`,
    `*Threshold*\n${facts.threshold} %`,
    `*Month (UTC)*\n${facts.period}`,
  ];
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: facts.threshold >= 100 ? "Budget exceeded" : "Budget at 80 %", emoji: false } },
    { type: "section", text: { type: "mrkdwn", text: esc(text) } },
    { type: "section", fields: fields.map((f) => ({ type: "mrkdwn", text: f })) },
    { type: "context", elements: [{ type: "mrkdwn", text: `alert ${esc(facts.alertId)}` }] },
  ];
  if (facts.link) {
    blocks.push({ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open cost dashboard" }, url: facts.link }] });
  }
  return { type: "budget.alert", timestamp: facts.createdAt, data: facts, text, blocks };
}
