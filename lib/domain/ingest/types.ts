/** Shapes shared by the ingest parser, redaction and the route. */

/** One problem in a refused body. `index` is the event's position when the problem is inside `events[i]`. */
export interface IngestFieldError {
  index?: number;
  field: string;
  message: string;
}

/** An event as accepted by `parseIngestBody` (values exactly as received; attributes default to {}). */
export interface IngestEventInput {
  id: string;
  type: string;
  profile: string;
  /** RFC 3339 with an offset, as sent; `new Date(occurredAt)` is safe after parsing. */
  occurredAt: string;
  traceId?: string;
  attributes: Record<string, unknown>;
}

export interface IngestBatchInput {
  events: IngestEventInput[];
}

export interface IngestProblem {
  type: string;
  title: string;
  detail: string;
  errors: IngestFieldError[];
}

export type ParseIngestResult =
  | { ok: true; batch: IngestBatchInput }
  | { ok: false; status: 400 | 415; problem: IngestProblem };

export interface RedactionSummary {
  count: number;
  /** Paths of redacted values, e.g. "attributes.db.url" (never the values). */
  fields: string[];
  /** How many values of each kind were redacted, e.g. { jwt: 1, url_password: 1 }. */
  kinds: Record<string, number>;
}

export type HealthState = "healthy" | "degraded" | "down" | "unknown";
export type ReportedHealth = "healthy" | "degraded" | "down";
