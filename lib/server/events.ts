import "server-only";
/**
 * A profile's ingest events for the profile page: newest first, a page at a
 * time, optionally one type, plus the redaction tally. Every query carries
 * the actor's tenants (tenantScope), so another tenant's events are never
 * read — not even counted.
 */
import type { Actor } from "@/lib/authz";
import { db } from "@/lib/db";
import { pageCount } from "@/lib/domain/registry-query";
import { Prisma } from "@/lib/generated/prisma/client";
import { tenantScope } from "./profiles";

export const TIMELINE_PAGE_SIZE = 25;
/** Event types are dotted lower-case names, or `x-` custom ones. */
const TYPE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Redacted events looked at to tally the kinds (the count itself is exact). */
const KIND_SAMPLE = 500;

export interface TimelineQuery {
  page: number;
  type: string | null;
}

/** From the page's search params: `events` (page, 1-based) and `type`. Bad values fall back to the defaults. */
export function parseTimelineQuery(params: Record<string, string | string[] | undefined>): TimelineQuery {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const pageText = first(params.events) ?? "";
  const page = /^[1-9][0-9]{0,5}$/.test(pageText) ? Number(pageText) : 1;
  const typeText = first(params.type)?.trim() ?? "";
  return { page, type: TYPE_PATTERN.test(typeText) ? typeText : null };
}

export interface RedactionSummary {
  count: number;
  fields: string[];
  kinds: Record<string, number>;
}

export interface TimelineEvent {
  id: string;
  eventId: string;
  type: string;
  hostId: string;
  occurredAt: Date;
  receivedAt: Date;
  traceId: string | null;
  attributes: unknown;
  redactions: RedactionSummary | null;
}

export interface Timeline {
  rows: TimelineEvent[];
  total: number;
  page: number;
  pageCount: number;
  size: number;
  type: string | null;
  /** Types this profile has events of (for the filter). */
  types: string[];
  redacted: { events: number; kinds: Record<string, number> };
}

export function parseRedactions(value: unknown): RedactionSummary | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const kinds: Record<string, number> = {};
  if (v.kinds && typeof v.kinds === "object" && !Array.isArray(v.kinds)) {
    for (const [kind, n] of Object.entries(v.kinds)) if (typeof n === "number" && n > 0) kinds[kind] = n;
  }
  const fields = Array.isArray(v.fields) ? v.fields.filter((f): f is string => typeof f === "string") : [];
  const count = typeof v.count === "number" ? v.count : Object.values(kinds).reduce((a, b) => a + b, 0);
  return { count, fields, kinds };
}

/** The timeline of the profile `slug`, or null when it does not exist or the actor may not see it. */
export async function getProfileTimeline(actor: Actor, slug: string, query: TimelineQuery, size = TIMELINE_PAGE_SIZE): Promise<Timeline | null> {
  const prisma = await db();
  const scope = tenantScope(actor);
  const profile = await prisma.profile.findFirst({ where: { slug, ...scope }, select: { id: true } });
  if (!profile) return null;

  const base: Prisma.IngestEventWhereInput = { profileId: profile.id, ...scope };
  const where: Prisma.IngestEventWhereInput = query.type ? { ...base, type: query.type } : base;
  const redactedWhere: Prisma.IngestEventWhereInput = { ...base, NOT: { redactions: { equals: Prisma.DbNull } } };
  const [total, types, redactedCount, redactedSample] = await Promise.all([
    prisma.ingestEvent.count({ where }),
    prisma.ingestEvent.groupBy({ by: ["type"], where: base, orderBy: { type: "asc" } }),
    prisma.ingestEvent.count({ where: redactedWhere }),
    prisma.ingestEvent.findMany({
      where: redactedWhere,
      orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
      take: KIND_SAMPLE,
      select: { redactions: true },
    }),
  ]);
  const pages = pageCount(total, size);
  const page = Math.min(query.page, pages);
  const rows = await prisma.ingestEvent.findMany({
    where,
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * size,
    take: size,
    select: { id: true, eventId: true, type: true, hostId: true, occurredAt: true, receivedAt: true, traceId: true, attributes: true, redactions: true },
  });

  const kinds: Record<string, number> = {};
  for (const r of redactedSample) {
    for (const [kind, n] of Object.entries(parseRedactions(r.redactions)?.kinds ?? {})) kinds[kind] = (kinds[kind] ?? 0) + n;
  }
  return {
    rows: rows.map((r) => ({ ...r, redactions: parseRedactions(r.redactions) })),
    total,
    page,
    pageCount: pages,
    size,
    type: query.type,
    types: types.map((t) => t.type),
    redacted: { events: redactedCount, kinds },
  };
}
