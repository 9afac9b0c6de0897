import "server-only";
/**
 * Who a job was requested for: the `requester` label holds the person's
 * console e-mail. Job.requesterIds = the account with that e-mail plus every
 * account sharing its personId, so none of that person's identities can
 * approve the job.
 */
import { REQUESTER_LABEL } from "@/lib/domain/jobs";
import type { RawSql } from "@/lib/sql";

export function requesterOf(labels: Record<string, string>): string | null {
  const value = labels[REQUESTER_LABEL]?.trim();
  return value ? value : null;
}

export async function requesterIds(sql: Pick<RawSql, "query">, email: string | null): Promise<string[]> {
  if (!email) return [];
  const rows = await sql.query<{ id: string }>(
    `WITH named AS (SELECT "id", "personId" FROM "User" WHERE lower("email") = lower($1))
     SELECT "id"::text AS "id" FROM named
     UNION
     SELECT u."id"::text FROM "User" u JOIN named n ON n."personId" IS NOT NULL AND u."personId" = n."personId"
     ORDER BY 1`,
    [email],
  );
  return rows.map((r) => r.id);
}
