import "server-only";
/**
 * The budget checker: compares every tenant's and profile's month-to-date
 * spend (CostRecord, calendar month UTC) with its monthly budget and records
 * each threshold (80 %, 100 %) the first time it is reached.
 *
 * One transaction per check: ONE statement inserts the alerts of every
 * budget past a threshold with `ON CONFLICT DO NOTHING` on (scope, month,
 * threshold), so the row exists once however many replicas check at the same
 * moment (a concurrent insert of the same key waits for the other and then
 * does nothing); only the rows this check inserted get their audit entry
 * (`budget.alert`, actor system) and their webhook message, in the same
 * transaction. Checking again fires nothing.
 */
import type { Database } from "@/lib/db";
import { budgetAlertMessage } from "@/lib/domain/budgets/alert-message";
import { BUDGET_THRESHOLDS, monthWindow } from "@/lib/domain/budgets/budget-math";
import { env } from "@/lib/env";
import { appendAudit, type AppendedEntry } from "@/lib/server/audit";
import { enqueueWebhook } from "@/lib/server/webhooks/outbox";
import { budgetsWithSpendSql } from "./spend";

export const BUDGET_CHECKER_ACTOR = { type: "system", id: "budget-checker" } as const;

export interface CheckBudgetsOptions {
  now?: Date;
  /** Where to announce alerts; default CELLGATE_WEBHOOK_URL (null: no webhook). */
  webhookUrl?: string | null;
  /** Console base URL for links; default NEXTAUTH_URL. */
  consoleUrl?: string | null;
}

export interface FiredAlert {
  id: string;
  tenantId: string;
  tenantSlug: string;
  profileId: string | null;
  profileSlug: string | null;
  scopeKey: string;
  periodStart: Date;
  threshold: number;
  spendUsd: string;
  budgetUsd: string;
  /** The alert's audit entry (null if its leaf was still pending seal when the check returned). */
  auditSeq: number | null;
  webhookId: string | null;
}

type InsertedRow = Omit<FiredAlert, "periodStart" | "auditSeq" | "webhookId">;

/** Check every budget once; returns the alerts this call fired (usually none). */
export async function checkBudgets(database: Pick<Database, "sql">, options: CheckBudgetsOptions = {}): Promise<FiredAlert[]> {
  const now = options.now ?? new Date();
  const month = monthWindow(now);
  const webhookUrl = options.webhookUrl !== undefined ? options.webhookUrl : (env().CELLGATE_WEBHOOK_URL ?? null);
  const consoleUrl = options.consoleUrl !== undefined ? options.consoleUrl : (env().NEXTAUTH_URL ?? null);
  const period = month.start.toISOString().slice(0, 7);

  const fired = await database.sql.transaction(async (tx) => {
    const inserted = await tx.query<InsertedRow>(
      `WITH budgets AS (${budgetsWithSpendSql()}),
       inserted AS (
         INSERT INTO "BudgetAlert" ("id", "tenantId", "profileId", "scopeKey", "periodStart", "threshold", "spendUsd", "budgetUsd", "createdAt")
         SELECT gen_random_uuid(), b."tenantId", b."profileId", b."scopeKey", $1::timestamptz, th."threshold", b."spend", b."budget", $3::timestamptz
         FROM budgets b CROSS JOIN unnest($4::int[]) AS th("threshold")
         WHERE b."spend" * 100 >= b."budget" * th."threshold"
         ON CONFLICT ("scopeKey", "periodStart", "threshold") DO NOTHING
         RETURNING "id", "tenantId", "profileId", "scopeKey", "threshold", "spendUsd", "budgetUsd")
       SELECT i."id", i."tenantId", b."tenantSlug", i."profileId", CASE WHEN i."profileId" IS NULL THEN NULL ELSE b."slug" END AS "profileSlug",
         i."scopeKey", i."threshold", i."spendUsd"::text AS "spendUsd", i."budgetUsd"::text AS "budgetUsd"
       FROM inserted i JOIN budgets b ON b."scopeKey" = i."scopeKey"
       ORDER BY i."scopeKey", i."threshold"`,
      [month.start, month.end, now, [...BUDGET_THRESHOLDS]],
    );
    const fired: Array<Omit<FiredAlert, "auditSeq"> & { entry: AppendedEntry }> = [];
    for (const row of inserted) {
      const threshold = Number(row.threshold);
      const scope = row.profileId ? "profile" : "tenant";
      const entry = await appendAudit(tx, {
        actor: BUDGET_CHECKER_ACTOR,
        action: "budget.alert",
        resource: row.profileId ? `profile:${row.profileId}` : `tenant:${row.tenantId}`,
        tenantId: row.tenantId,
        profileId: row.profileId,
        data: {
          alert: row.id,
          scope,
          tenant: row.tenantSlug,
          ...(row.profileSlug ? { profile: row.profileSlug } : {}),
          period,
          threshold,
          spendUsd: row.spendUsd,
          budgetUsd: row.budgetUsd,
        },
      });
      let webhookId: string | null = null;
      if (webhookUrl) {
        const search = new URLSearchParams({ range: "month", tenant: row.tenantSlug, ...(row.profileSlug ? { profile: row.profileSlug } : {}) });
        const message = budgetAlertMessage({
          alertId: row.id,
          scope,
          tenant: row.tenantSlug,
          profile: row.profileSlug,
          threshold,
          spendUsd: row.spendUsd,
          budgetUsd: row.budgetUsd,
          period,
          createdAt: now.toISOString(),
          link: consoleUrl ? new URL(`/cost?${search}`, consoleUrl).toString() : null,
        });
        webhookId = await enqueueWebhook(tx, { event: message.type, url: webhookUrl, payload: message, now });
      }
      fired.push({
        id: row.id,
        tenantId: row.tenantId,
        tenantSlug: row.tenantSlug,
        profileId: row.profileId,
        profileSlug: row.profileSlug,
        scopeKey: row.scopeKey,
        periodStart: month.start,
        threshold,
        spendUsd: row.spendUsd,
        budgetUsd: row.budgetUsd,
        entry,
        webhookId,
      });
    }
    return fired;
  });
  // After commit: the entries' sequence numbers are known once the leaves are sealed.
  return fired.map(({ entry, ...alert }) => ({ ...alert, auditSeq: entry.seq }));
}
