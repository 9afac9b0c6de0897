/**
 * A local HTTP receiver for webhook tests: records every request (headers
 * and raw body) and answers with the next scripted status, or "hang" (keeps
 * the request open until `release()`).
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Requests being held open ("hang"). */
  open(): number;
  /** Statuses to answer next, in order; afterwards 200. */
  script(...answers: Array<number | "hang">): void;
  /** Answers every held request with 503. */
  release(): void;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const held: http.ServerResponse[] = [];
  let answers: Array<number | "hang"> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const answer = answers.shift() ?? 200;
      if (answer === "hang") held.push(res);
      else res.writeHead(answer, { "Content-Type": "text/plain" }).end(answer < 300 ? "ok" : "nope");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/cellgate`,
    received,
    open: () => held.filter((r) => !r.writableEnded).length,
    script: (...next) => {
      answers = next;
    },
    release: () => {
      for (const r of held.splice(0)) if (!r.writableEnded) r.writeHead(503).end();
    },
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} of ${count} requests`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      for (const r of held.splice(0)) if (!r.writableEnded) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Standard Webhooks verification written out independently of lib/server/webhooks/sign.ts. */
export function standardWebhooksValid(secret: string, received: Received): boolean {
  const id = String(received.headers["webhook-id"] ?? "");
  const timestamp = String(received.headers["webhook-timestamp"] ?? "");
  const header = String(received.headers["webhook-signature"] ?? "");
  if (!id || !/^\d+$/.test(timestamp) || !header) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${received.body}`).digest("base64");
  return header.split(" ").includes(`v1,${expected}`);
}

/** Polls `check` until it returns a value that is not undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}
