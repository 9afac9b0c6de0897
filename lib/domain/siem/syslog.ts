/**
 * Syslog for the SIEM export: RFC 5424 messages, framed for a stream by
 * octet counting (RFC 6587 §3.4.1, also what RFC 5425 prescribes over TLS):
 * `MSG-LEN SP SYSLOG-MSG`, MSG-LEN the message's length in octets. Pure.
 *
 *   <PRI>1 TIMESTAMP HOSTNAME cellgate - MSGID [cellgate@32473 seq=".." hash=".." prevHash=".."] MSG
 *
 * PRI = facility 13 ("log audit") × 8 + the severity below; MSGID is the OCSF
 * class ("ocsf-6003"); MSG is the OCSF event as JSON with every non-ASCII
 * character escaped, so it is ASCII (RFC 5424 MSG-ANY, no BOM needed). 32473
 * is the private enterprise number reserved for documentation (RFC 5612):
 * the SD-ID is a name, not a claim to a registered number.
 */
import { asciiJson, type OcsfEvent, type SeverityId } from "./ocsf";

export const SYSLOG_FACILITY_LOG_AUDIT = 13;
export const SD_ID = "cellgate@32473";

/** OCSF severity_id → syslog severity (RFC 5424 §6.2.1: 0 emergency … 7 debug). */
const SYSLOG_SEVERITY: Record<SeverityId, number> = { 1: 6, 2: 5, 3: 4, 4: 3, 5: 2, 6: 1 };

export function syslogSeverity(severityId: SeverityId): number {
  return SYSLOG_SEVERITY[severityId];
}

/** An SD-PARAM value: `"`, `\` and `]` escaped with a backslash (RFC 5424 §6.3.3). */
export function sdParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** A HOSTNAME / APP-NAME field: printable US-ASCII without spaces, at most `max` characters, "-" when empty. */
export function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, "").slice(0, max);
  return clean || "-";
}

export function syslogMessage(event: OcsfEvent, hostname: string): string {
  const pri = SYSLOG_FACILITY_LOG_AUDIT * 8 + syslogSeverity(event.severity_id);
  const u = event.unmapped;
  const params: Array<[string, string]> = [
    ["seq", String(u.seq)],
    ["hash", u.hash],
    ["prevHash", u.prevHash],
    ...(u.receipt ? ([["receipt", u.receipt]] as Array<[string, string]>) : []),
  ];
  const sd = `[${SD_ID} ${params.map(([k, v]) => `${k}="${sdParamValue(v)}"`).join(" ")}]`;
  return `<${pri}>1 ${u.time} ${headerField(hostname, 255)} cellgate - ocsf-${event.class_uid} ${sd} ${asciiJson(event)}`;
}

/** Octet-counted frame (RFC 6587 §3.4.1). */
export function octetCountedFrame(message: string): Buffer {
  const body = Buffer.from(message, "utf8");
  return Buffer.concat([Buffer.from(`${body.length} `, "ascii"), body]);
}

/**
 * Splits a stream of octet-counted frames (what a receiver does): the
 * complete messages and the bytes left over for the next chunk. Throws on a
 * malformed length.
 */
export function splitOctetCounted(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let at = 0;
  for (;;) {
    const space = buffer.indexOf(0x20, at);
    if (space < 0) break;
    const lengthText = buffer.subarray(at, space).toString("ascii");
    if (!/^[1-9][0-9]{0,8}$/.test(lengthText)) throw new Error(`malformed octet count "${lengthText.slice(0, 12)}"`);
    const length = Number(lengthText);
    if (buffer.length < space + 1 + length) break;
    messages.push(buffer.subarray(space + 1, space + 1 + length).toString("utf8"));
    at = space + 1 + length;
  }
  return { messages, rest: buffer.subarray(at) };
}
