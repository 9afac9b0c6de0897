/**
 * An audit timestamp as text in the exact form the chain hashes it
 * (`toISOString`), read from either backend without building a Date: used by
 * verification and by the sequencer, which both re-hash what is stored.
 */
/** A timestamp(3) as JSON writes it: seconds always, a fraction only when not zero, trailing zeros trimmed. */
const WALL_CLOCK = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?$/;

/**
 * The ISO text the chain hashed (`toISOString`: three fraction digits and
 * "Z") from the database's UTC wall-clock JSON text, without building a Date.
 * Text of any other shape (a year past 9999, a BC date, more precision than
 * the column holds) is kept as read: no entry was hashed with it, so it fails
 * as altered.
 */
export function isoFromWallClock(text: string): string {
  if (!WALL_CLOCK.test(text)) return text;
  return text.length === 19 ? `${text}.000Z` : `${text.padEnd(23, "0")}Z`;
}

/**
 * The same from to_char's "…ZAD": its year has no sign, so the era is asked
 * for too, and a BC time keeps its "BC" (and fails as altered).
 */
export function isoFromEraText(text: string): string {
  return text.endsWith("ZAD") ? text.slice(0, -2) : text;
}

/**
 * How each backend writes `time` as text, in UTC whatever the session's
 * DateStyle and TimeZone. PostgreSQL formats it on the server, which costs
 * this thread nothing; PGlite runs in this thread, where to_char costs more
 * than padding JSON's text.
 */
export const TIME_TEXT = {
  postgresql: { sql: `to_char(time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"AD')`, iso: isoFromEraText },
  pglite: { sql: `to_json(time AT TIME ZONE 'UTC')`, iso: isoFromWallClock },
} as const;

