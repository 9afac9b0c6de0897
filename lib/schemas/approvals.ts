import { z } from "zod";
import { VOTES } from "@/lib/domain/approvals";
import { TIERS } from "@/lib/domain/tiers";
import { passkeyField, ZVoteStatement } from "./passkeys";

export const NOTE_MAX = 2000;

/** Approve or deny one job: the note is required; the hash is the one the approver was shown. */
export const ZVoteOnJobInput = z.object({
  jobId: z.string().trim().min(1, "Job is required").max(200),
  vote: z.enum(VOTES, { error: "Choose approve or deny" }),
  note: z
    .string({ error: "Write a note explaining your decision" })
    .trim()
    .min(1, "Write a note explaining your decision")
    .max(NOTE_MAX, `Keep the note under ${NOTE_MAX} characters`),
  seenHash: z
    .string({ error: "The job hash you were shown is missing; reload the page" })
    .trim()
    .regex(/^sha256:[0-9a-f]{64}$/, "The job hash you were shown is missing or malformed; reload the page"),
  /** The passkey proof (lib/server/passkeys): the sealed statement and the WebAuthn assertion over it; JSON text from a form. */
  passkey: passkeyField(ZVoteStatement),
});
export type VoteOnJobInput = z.infer<typeof ZVoteOnJobInput>;

export const APPROVAL_VIEWS = ["pending", "history"] as const;
export type ApprovalView = (typeof APPROVAL_VIEWS)[number];
export const HISTORY_OUTCOMES = ["APPROVED", "REJECTED", "EXPIRED"] as const;
export type HistoryOutcome = (typeof HISTORY_OUTCOMES)[number];

export const APPROVALS_PAGE_SIZE = 25;

/** The queue's URL parameters (every filter lives in the address, so a link reproduces the view). */
export interface ApprovalsQuery {
  view: ApprovalView;
  tenant?: string;
  profile?: string;
  tier?: (typeof TIERS)[number];
  topic?: string;
  riskTag?: string;
  outcome?: HistoryOutcome;
  page: number;
  size: number;
}

const FIELDS = {
  view: z.enum(APPROVAL_VIEWS, { error: "view must be pending or history" }),
  tenant: z.string().trim().min(1).max(100, "tenant is too long"),
  profile: z.string().trim().min(1).max(200, "profile is too long"),
  tier: z.enum(TIERS, { error: `tier must be one of ${TIERS.join(", ")}` }),
  topic: z.string().trim().min(1).max(200, "topic is too long"),
  riskTag: z.string().trim().min(1).max(63, "risk tag is too long"),
  outcome: z.enum(HISTORY_OUTCOMES, { error: `outcome must be one of ${HISTORY_OUTCOMES.join(", ")}` }),
  page: z.coerce.number({ error: "page must be a number" }).int("page must be a whole number").min(1, "page starts at 1").max(100_000),
} as const;

/** Parse search params leniently: a bad value is dropped and reported, never a crash. */
export function parseApprovalsQuery(raw: Record<string, string | string[] | undefined>): {
  query: ApprovalsQuery;
  problems: string[];
} {
  const query: ApprovalsQuery = { view: "pending", page: 1, size: APPROVALS_PAGE_SIZE };
  const problems: string[] = [];
  for (const [key, schema] of Object.entries(FIELDS)) {
    const value = raw[key];
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined || text.trim() === "") continue;
    const parsed = (schema as z.ZodType).safeParse(text);
    if (parsed.success) (query as unknown as Record<string, unknown>)[key] = parsed.data;
    else problems.push(parsed.error.issues[0]?.message ?? `${key} is invalid`);
  }
  if (query.view === "pending" && query.outcome) delete query.outcome;
  return { query, problems };
}

/** "?view=history&tier=L4&page=2" — defaults left out. */
export function approvalsQueryString(query: Partial<ApprovalsQuery>): string {
  const params = new URLSearchParams();
  if (query.view && query.view !== "pending") params.set("view", query.view);
  for (const key of ["tenant", "profile", "tier", "topic", "riskTag", "outcome"] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (query.page && query.page > 1) params.set("page", String(query.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

export function hasApprovalFilters(query: ApprovalsQuery): boolean {
  return Boolean(query.tenant || query.profile || query.tier || query.topic || query.riskTag || query.outcome);
}
