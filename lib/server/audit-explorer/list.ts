import "server-only";
/**
 * The audit explorer's list: entries the actor may read, filtered by actor,
 * action, tenant, profile, time range and trace id, newest first. Pages are
 * keyset cursors on seq (`before` / `after`), so a page deep in a large log
 * costs the same as the first one.
 */
import type { Actor } from "@/lib/authz";
import { db, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { AUDIT_PAGE_SIZE, PLATFORM_TENANT, type AuditQuery } from "@/lib/schemas/audit-explorer";
import { auditScope } from "./scope";

export interface AuditRow {
  seq: number;
  time: Date;
  actorType: string;
  actorId: string;
  /** The user's email for user actors that still exist; else null. */
  actorEmail: string | null;
  action: string;
  resource: string;
  tenant: { slug: string; name: string } | null;
  profile: string | null;
  decision: string | null;
  traceId: string | null;
  hash: string;
}

export interface AuditPage {
  rows: AuditRow[];
  /** Entries matching the filters (across all pages). */
  total: number;
  /** Cursor for the next older page (`before`), or null on the oldest page. */
  older: number | null;
  /** Cursor for the next newer page (`after`), or null on the newest page. */
  newer: number | null;
}

interface RawRow {
  seq: number;
  time: Date | string;
  actorType: string;
  actorId: string;
  actorEmail: string | null;
  action: string;
  resource: string;
  tenantSlug: string | null;
  tenantName: string | null;
  profileSlug: string | null;
  decision: string | null;
  traceId: string | null;
  hash: string;
}

const ACTOR_TYPED = /^(user|host|cli|system):(.+)$/;

/** The FROM … WHERE shared by the count, the page and the "more?" probes (no cursor). */
function fromWhere(actor: Actor, query: AuditQuery): Prisma.Sql {
  const where: Prisma.Sql[] = [auditScope(actor, Prisma.sql`e."tenantId"`)];
  if (query.actor) {
    const typed = ACTOR_TYPED.exec(query.actor);
    if (typed) {
      const [, type, id] = typed;
      where.push(
        type === "user"
          ? Prisma.sql`e."actorType" = 'user' AND (e."actorId" = ${id} OR lower(u.email) = lower(${id}))`
          : Prisma.sql`e."actorType" = ${type} AND e."actorId" = ${id}`,
      );
    } else if (query.actor.includes("@")) {
      where.push(Prisma.sql`lower(u.email) = lower(${query.actor})`);
    } else {
      where.push(Prisma.sql`e."actorId" = ${query.actor}`);
    }
  }
  // An action matches itself and every action under it ("job" → "job.submit"; never "jobs.x").
  if (query.action) {
    where.push(Prisma.sql`(e.action = ${query.action} OR left(e.action, ${query.action.length + 1}) = ${`${query.action}.`})`);
  }
  if (query.tenant === PLATFORM_TENANT) where.push(Prisma.sql`e."tenantId" IS NULL`);
  else if (query.tenant) where.push(Prisma.sql`t.slug = ${query.tenant}`);
  if (query.profile) where.push(Prisma.sql`p.slug = ${query.profile}`);
  if (query.from) where.push(Prisma.sql`e.time >= ${query.from}`);
  if (query.to) where.push(Prisma.sql`e.time < ${query.to}`);
  if (query.trace) where.push(Prisma.sql`e."traceId" = ${query.trace}`);
  return Prisma.sql`
    FROM "AuditEntry" e
    LEFT JOIN "Tenant" t ON t.id = e."tenantId"
    LEFT JOIN "Profile" p ON p.id = e."profileId"
    LEFT JOIN "User" u ON e."actorType" = 'user' AND u.id::text = e."actorId"
    WHERE ${Prisma.join(where, " AND ")}`;
}

const COLUMNS = Prisma.sql`e.seq, e.time, e."actorType", e."actorId", u.email AS "actorEmail", e.action, e.resource,
  t.slug AS "tenantSlug", t.name AS "tenantName", p.slug AS "profileSlug", e.decision, e."traceId", e.hash`;

export async function listAuditEntries(
  actor: Actor,
  query: AuditQuery,
  options: { prisma?: Db; size?: number } = {},
): Promise<AuditPage> {
  const prisma = options.prisma ?? (await db());
  const size = options.size ?? AUDIT_PAGE_SIZE;
  const base = fromWhere(actor, query);
  const ascending = query.after !== undefined && query.before === undefined;
  const cursor =
    query.before !== undefined
      ? Prisma.sql`AND e.seq < ${query.before}`
      : query.after !== undefined
        ? Prisma.sql`AND e.seq > ${query.after}`
        : Prisma.empty;
  const [counted, fetched] = await Promise.all([
    prisma.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n ${base}`),
    prisma.$queryRaw<RawRow[]>(
      Prisma.sql`SELECT ${COLUMNS} ${base} ${cursor} ORDER BY e.seq ${ascending ? Prisma.sql`ASC` : Prisma.sql`DESC`} LIMIT ${size + 1}`,
    ),
  ]);
  const extra = fetched.length > size;
  const page = fetched.slice(0, size);
  if (ascending) page.reverse();
  const rows = page.map(toRow);
  const first = rows[0];
  const last = rows[rows.length - 1];

  let older: number | null = null;
  let newer: number | null = null;
  if (first && last) {
    if (ascending) {
      newer = extra ? first.seq : null;
      older = (await exists(prisma, base, Prisma.sql`AND e.seq < ${last.seq}`)) ? last.seq : null;
    } else {
      older = extra ? last.seq : null;
      newer = query.before !== undefined && (await exists(prisma, base, Prisma.sql`AND e.seq > ${first.seq}`)) ? first.seq : null;
    }
  }
  return { rows, total: counted[0]?.n ?? 0, older, newer };
}

async function exists(prisma: Db, base: Prisma.Sql, cursor: Prisma.Sql): Promise<boolean> {
  const found = await prisma.$queryRaw<{ seq: number }[]>(Prisma.sql`SELECT e.seq ${base} ${cursor} LIMIT 1`);
  return found.length > 0;
}

function toRow(r: RawRow): AuditRow {
  return {
    seq: Number(r.seq),
    time: new Date(r.time),
    actorType: r.actorType,
    actorId: r.actorId,
    actorEmail: r.actorEmail,
    action: r.action,
    resource: r.resource,
    tenant: r.tenantSlug && r.tenantName ? { slug: r.tenantSlug, name: r.tenantName } : null,
    profile: r.profileSlug,
    decision: r.decision,
    traceId: r.traceId,
    hash: r.hash,
  };
}

/** "alice@acme.demo" for a known user, else "host:acme-sandbox-01". */
export function actorLabel(row: Pick<AuditRow, "actorType" | "actorId" | "actorEmail">): string {
  return row.actorEmail ?? `${row.actorType}:${row.actorId}`;
}
