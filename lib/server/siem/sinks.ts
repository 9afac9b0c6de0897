import "server-only";
/**
 * The SIEM export's sinks. A sink sends one batch of OCSF events and resolves
 * only once the receiver acknowledged it (a 2xx answer; for syslog, which has
 * no acknowledgement, once every byte was written and the connection closed
 * cleanly); anything else rejects, and the cursor does not move.
 *
 *   webhook  one POST per batch, signed per Standard Webhooks (../webhooks/sign.ts)
 *   syslog   RFC 5424 over TCP or TLS, octet-counted (lib/domain/siem/syslog.ts)
 *   otlp     OTLP/HTTP logs (JSON) through @opentelemetry/exporter-logs-otlp-http
 *
 * Configured from the environment only (lib/env.ts, CELLGATE_SIEM_*).
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import tls from "node:tls";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { displayTarget, parseSyslogAddress } from "@/lib/domain/siem/config";
import type { OcsfEvent, SeverityId } from "@/lib/domain/siem/ocsf";
import { octetCountedFrame, syslogMessage } from "@/lib/domain/siem/syslog";
import type { Env } from "@/lib/env";
import { resolveSecretRef } from "@/lib/server/auth/secret-ref";
import { webhookHeaders, webhookKey } from "@/lib/server/webhooks/sign";

export type SinkName = "webhook" | "syslog" | "otlp";

export interface Sink {
  readonly name: SinkName;
  /** Where it sends, without credentials (shown on /siem). */
  readonly target: string;
  /** Resolves once the batch is acknowledged; rejects otherwise. */
  send(events: readonly OcsfEvent[]): Promise<void>;
  close?(): Promise<void>;
}

export const SEND_TIMEOUT_MS = 10_000;

export class SiemConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SiemConfigError";
  }
}

// ---------------------------------------------------------------------------
// Webhook

/** Errors of a reused keep-alive connection the other side had closed. */
const STALE_CONNECTION = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

function networkCode(e: unknown): string | undefined {
  return (e as { cause?: { code?: string } }).cause?.code;
}

export function webhookSink(url: string, secret: string, options: { timeoutMs?: number } = {}): Sink {
  webhookKey(secret); // a malformed secret is refused before anything is sent
  return {
    name: "webhook",
    target: displayTarget(url),
    async send(events) {
      const first = events[0]!.unmapped.seq;
      const last = events[events.length - 1]!.unmapped.seq;
      // Stable while the batch is the same; receivers de-duplicate each event by metadata.uid (its entry's hash).
      const id = `msg_audit_${first}_${last}`;
      const body = JSON.stringify({ type: "cellgate.audit.ocsf", timestamp: new Date().toISOString(), data: { first, last, events } });
      const post = () =>
        fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", "User-Agent": "Cellgate-SIEM/1", ...webhookHeaders(secret, id, Math.floor(Date.now() / 1000), body) },
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(options.timeoutMs ?? SEND_TIMEOUT_MS),
        });
      const response = await post()
        // A kept-alive connection the receiver closed as it was reused: once more at once, on a new one.
        .catch((e: unknown) => (STALE_CONNECTION.has(networkCode(e) ?? "") ? post() : Promise.reject(e)))
        .catch((e: unknown) => {
          const code = networkCode(e);
          throw new Error((e as Error).name === "TimeoutError" ? "timed out" : `${(e as Error).message}${code ? ` (${code})` : ""}`);
        });
      await response.body?.cancel().catch(() => undefined);
      if (response.status < 200 || response.status >= 300) throw new Error(`HTTP ${response.status}`);
    },
  };
}

// ---------------------------------------------------------------------------
// Syslog (RFC 5424 over TCP / TLS, RFC 6587 octet counting)

export interface SyslogOptions {
  /** PEM CA bundle for tls:// (default: the system's CAs). */
  ca?: string;
  hostname?: string;
  timeoutMs?: number;
}

export function syslogSink(address: string, options: SyslogOptions = {}): Sink {
  const parsed = parseSyslogAddress(address);
  if (!parsed) throw new SiemConfigError(`not a syslog address: ${address}`);
  const hostname = options.hostname ?? os.hostname();
  const timeoutMs = options.timeoutMs ?? SEND_TIMEOUT_MS;
  return {
    name: "syslog",
    target: address,
    send(events) {
      const frames = Buffer.concat(events.map((e) => octetCountedFrame(syslogMessage(e, hostname))));
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const done = (error?: Error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) {
            socket.destroy();
            reject(error);
          } else resolve();
        };
        const socket =
          parsed.transport === "tls"
            ? tls.connect({ host: parsed.host, port: parsed.port, servername: net.isIP(parsed.host) ? undefined : parsed.host, ca: options.ca })
            : net.connect({ host: parsed.host, port: parsed.port });
        const timer = setTimeout(() => done(new Error("timed out")), timeoutMs);
        socket.once(parsed.transport === "tls" ? "secureConnect" : "connect", () => {
          // Write every frame, then half-close; the batch counts as delivered
          // once the receiver has read to the end and closed its side too.
          socket.end(frames);
        });
        socket.on("data", () => undefined); // a syslog receiver sends nothing; drain anyway
        socket.once("error", (error: NodeJS.ErrnoException) => done(new Error(`${error.message}${error.code && !error.message.includes(error.code) ? ` (${error.code})` : ""}`)));
        socket.once("close", (hadError) => done(hadError ? new Error("connection closed with an error") : socket.writableFinished ? undefined : new Error("connection closed before the batch was written")));
      });
    },
  };
}

// ---------------------------------------------------------------------------
// OTLP/HTTP logs

const OTLP_SEVERITY: Record<SeverityId, SeverityNumber> = {
  1: SeverityNumber.INFO,
  2: SeverityNumber.INFO2,
  3: SeverityNumber.WARN,
  4: SeverityNumber.ERROR,
  5: SeverityNumber.FATAL,
  6: SeverityNumber.FATAL4,
};

/** The log record of one OCSF event: the event as JSON in the body, the chain fields as attributes. */
export function otlpLogRecord(event: OcsfEvent, resource: ReadableLogRecord["resource"], scope: ReadableLogRecord["instrumentationScope"]): ReadableLogRecord {
  const ms = event.time;
  const hrTime: [number, number] = [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
  const u = event.unmapped;
  return {
    hrTime,
    hrTimeObserved: hrTime,
    severityNumber: OTLP_SEVERITY[event.severity_id],
    severityText: event.severity,
    body: JSON.stringify(event),
    eventName: `ocsf.${event.class_uid}`,
    resource,
    instrumentationScope: scope,
    attributes: {
      "cellgate.audit.seq": u.seq,
      "cellgate.audit.hash": u.hash,
      "cellgate.audit.prev_hash": u.prevHash,
      ...(u.receipt ? { "cellgate.audit.receipt": u.receipt } : {}),
      "cellgate.audit.action": u.action,
      "ocsf.class_uid": event.class_uid,
      "ocsf.type_uid": event.type_uid,
    },
    droppedAttributesCount: 0,
  };
}

export function otlpSink(url: string, options: { timeoutMs?: number; serviceVersion?: string } = {}): Sink {
  const exporter = new OTLPLogExporter({ url, timeoutMillis: options.timeoutMs ?? SEND_TIMEOUT_MS });
  const resource = resourceFromAttributes({ "service.name": "cellgate", ...(options.serviceVersion ? { "service.version": options.serviceVersion } : {}) });
  const scope = { name: "cellgate.audit.siem", version: "1" };
  return {
    name: "otlp",
    target: displayTarget(url),
    send(events) {
      const records = events.map((e) => otlpLogRecord(e, resource, scope));
      return new Promise<void>((resolve, reject) => {
        exporter.export(records, (result) => {
          if (result.code === 0) resolve();
          else reject(new Error(result.error?.message ?? "OTLP export failed"));
        });
      });
    },
    close: () => exporter.shutdown(),
  };
}

// ---------------------------------------------------------------------------
// From the environment

/**
 * The configured sinks (none when no CELLGATE_SIEM_* sink variable is set).
 * Throws SiemConfigError naming the variable when a secret or CA file cannot
 * be read or is malformed (lib/env.ts has already checked the forms).
 */
export function sinksFromEnv(e: Env, serviceVersion?: string): Sink[] {
  const sinks: Sink[] = [];
  if (e.CELLGATE_SIEM_WEBHOOK_URL) {
    let secret: string;
    try {
      secret = resolveSecretRef(e.CELLGATE_SIEM_WEBHOOK_SECRET ?? "");
      webhookKey(secret);
    } catch (error) {
      throw new SiemConfigError(`CELLGATE_SIEM_WEBHOOK_SECRET: ${(error as Error).message}`);
    }
    sinks.push(webhookSink(e.CELLGATE_SIEM_WEBHOOK_URL, secret));
  }
  if (e.CELLGATE_SIEM_SYSLOG) {
    let ca: string | undefined;
    if (e.CELLGATE_SIEM_SYSLOG_CA) {
      try {
        ca = fs.readFileSync(e.CELLGATE_SIEM_SYSLOG_CA, "utf8");
      } catch (error) {
        throw new SiemConfigError(`CELLGATE_SIEM_SYSLOG_CA: ${e.CELLGATE_SIEM_SYSLOG_CA} cannot be read (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
      }
      if (!ca.includes("-----BEGIN CERTIFICATE-----")) throw new SiemConfigError(`CELLGATE_SIEM_SYSLOG_CA: ${e.CELLGATE_SIEM_SYSLOG_CA} holds no PEM certificate`);
    }
    sinks.push(syslogSink(e.CELLGATE_SIEM_SYSLOG, { ca }));
  }
  if (e.CELLGATE_SIEM_OTLP_URL) sinks.push(otlpSink(e.CELLGATE_SIEM_OTLP_URL, { serviceVersion }));
  return sinks;
}
