/**
 * Real local receivers for the SIEM export tests, written against the
 * protocols, not against lib/server/siem: a syslog listener over TCP or TLS
 * that reads RFC 6587 octet-counted frames and parses RFC 5424 headers, a
 * self-signed certificate made with the openssl CLI, and an OTLP/HTTP logs
 * receiver that decodes the OTLP JSON encoding (ExportLogsServiceRequest).
 * The webhook receiver is ./webhooks-receiver.ts.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import type { AddressInfo } from "node:net";

// ---------------------------------------------------------------------------
// Syslog

export interface SyslogRecord {
  pri: number;
  version: string;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** SD-PARAMs of the one SD-ELEMENT, unescaped. */
  sdId: string;
  params: Record<string, string>;
  msg: string;
}

/** RFC 5424: HEADER SP STRUCTURED-DATA [SP MSG], one SD-ELEMENT, values unescaped. */
export function parseRfc5424(text: string): SyslogRecord {
  const header = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(text);
  if (!header) throw new Error(`not an RFC 5424 header: ${text.slice(0, 80)}`);
  let at = header[0].length;
  if (text[at] !== "[") throw new Error("expected one SD-ELEMENT");
  const idEnd = text.indexOf(" ", at);
  const sdId = text.slice(at + 1, idEnd);
  at = idEnd;
  const params: Record<string, string> = {};
  while (text[at] === " ") {
    const eq = text.indexOf("=", at);
    const name = text.slice(at + 1, eq);
    if (text[eq + 1] !== '"') throw new Error("SD-PARAM value must be quoted");
    let value = "";
    let i = eq + 2;
    for (; text[i] !== '"'; i++) {
      if (text[i] === "\\" && ['"', "\\", "]"].includes(text[i + 1]!)) i++;
      value += text[i];
    }
    params[name] = value;
    at = i + 1;
  }
  if (text[at] !== "]") throw new Error("unterminated SD-ELEMENT");
  const msg = text.slice(at + 2);
  return { pri: Number(header[1]), version: header[2]!, timestamp: header[3]!, hostname: header[4]!, appName: header[5]!, procId: header[6]!, msgId: header[7]!, sdId, params, msg };
}

export interface SyslogListener {
  address: string;
  port: number;
  messages: string[];
  connections: number;
  close(): Promise<void>;
}

/** Reads octet-counted frames (MSG-LEN SP SYSLOG-MSG) from every connection. */
export async function startSyslogListener(options: { tls?: { key: string; cert: string }; port?: number } = {}): Promise<SyslogListener> {
  const messages: string[] = [];
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const onConnection = (socket: net.Socket) => {
    state.connections += 1;
    sockets.add(socket);
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const space = buffer.indexOf(0x20);
        if (space < 0) return;
        const length = Number(buffer.subarray(0, space).toString("ascii"));
        if (!Number.isInteger(length) || length <= 0) {
          socket.destroy();
          return;
        }
        if (buffer.length < space + 1 + length) return;
        messages.push(buffer.subarray(space + 1, space + 1 + length).toString("utf8"));
        buffer = buffer.subarray(space + 1 + length);
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  };
  const server = options.tls ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, onConnection) : net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `${options.tls ? "tls" : "tcp"}://127.0.0.1:${port}`,
    port,
    messages,
    get connections() {
      return state.connections;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A self-signed certificate for 127.0.0.1 (and localhost), made with the openssl CLI. */
export function selfSignedCertificate(): { key: string; cert: string; certFile: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "siem-tls-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", keyFile, "-out", certFile,
  ], { stdio: "ignore" });
  return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8"), certFile, dir };
}

/** A TCP port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------
// OTLP/HTTP logs, JSON encoding (opentelemetry-proto, logs/v1; OTLP spec "JSON Protobuf Encoding")

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; kvlistValue?: { values: KeyValue[] } };
type KeyValue = { key: string; value: AnyValue };

export interface OtlpLogRecord {
  timeUnixNano: string;
  severityNumber: number;
  severityText?: string;
  eventName?: string;
  body: AnyValue;
  attributes: Record<string, string | number | boolean | undefined>;
  resource: Record<string, string | number | boolean | undefined>;
  scope: { name: string; version?: string };
}

function plain(value: AnyValue): string | number | boolean | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue); // int64 is a JSON string in OTLP/JSON
  if (value.boolValue !== undefined) return value.boolValue;
  return value.doubleValue;
}

const attrs = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map((kv) => [kv.key, plain(kv.value)]));

export interface OtlpReceiver {
  url: string;
  records: OtlpLogRecord[];
  requests: number;
  /** Statuses to answer next, in order; afterwards 200. */
  script(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const records: OtlpLogRecord[] = [];
  let answers: number[] = [];
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      state.requests += 1;
      if (req.method !== "POST" || req.url !== "/v1/logs" || !String(req.headers["content-type"]).startsWith("application/json")) {
        res.writeHead(415).end();
        return;
      }
      const status = answers.shift() ?? 200;
      if (status === 200) {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          resourceLogs: Array<{ resource?: { attributes?: KeyValue[] }; scopeLogs: Array<{ scope?: { name: string; version?: string }; logRecords: Array<Record<string, unknown>> }> }>;
        };
        for (const rl of body.resourceLogs) {
          for (const sl of rl.scopeLogs) {
            for (const lr of sl.logRecords) {
              records.push({
                timeUnixNano: String(lr.timeUnixNano),
                severityNumber: Number(lr.severityNumber),
                severityText: lr.severityText as string | undefined,
                eventName: lr.eventName as string | undefined,
                body: lr.body as AnyValue,
                attributes: attrs(lr.attributes as KeyValue[]),
                resource: attrs(rl.resource?.attributes),
                scope: sl.scope ?? { name: "" },
              });
            }
          }
        }
        res.writeHead(200, { "Content-Type": "application/json" }).end("{}");
      } else {
        res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify({ code: 3, message: "refused by the test" }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/logs`,
    records,
    get requests() {
      return state.requests;
    },
    script: (...next) => {
      answers = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
