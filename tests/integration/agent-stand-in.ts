/**
 * A tiny stand-in for the console, for AGENT tests only (the console itself
 * is tested through its own routes): node:http, verifies every signed
 * request with lib/domain/http-signatures AND with the independent
 * `http-message-signatures` package (interop), refuses replayed nonces,
 * stores events by id, and misbehaves on demand (503, lost acks, 429,
 * tampered / foreign-key / expired directives).
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createVerifier, httpbis } from "http-message-signatures";
import type { AgentEvent } from "@/lib/agent/spool";
import { publicKeyFromRaw, verifyRequest } from "@/lib/domain/http-signatures";
import { directivesResponse } from "@/lib/server/directives";
import { type PlatformKey, platformKeyFromPem } from "@/lib/server/platform-key";

export interface StandInMode {
  /** Answer 503 to this many ingest requests (nothing stored). */
  fail503: number;
  /** Store this many batches but answer 503 (the ack is "lost"). */
  ackLost: number;
  /** Answer 429 with Retry-After to this many ingest requests. */
  rateLimit: number;
  retryAfterSec: number;
  directives: "ok" | "tamper" | "wrong-key" | "expired";
  /** A rollback directive for every profile, or none. */
  rollback: { id: string; endpoint: string; manifestDigest: string; requestedAt: string; reason: string } | null;
}

export interface StandIn {
  url: string;
  platform: PlatformKey;
  mode: StandInMode;
  /** Stored events by id. */
  received: Map<string, AgentEvent>;
  /** How many times each id arrived in a batch that was answered (stored or duplicate). */
  arrivals: Map<string, number>;
  log: Array<{ at: number; method: string; path: string; status: number; check?: string }>;
  interop: { checked: number; failed: number; errors: string[] };
  close(): Promise<void>;
}

function pemKey(): PlatformKey {
  const { privateKey } = generateKeyPairSync("ed25519");
  return platformKeyFromPem(privateKey.export({ format: "pem", type: "pkcs8" }).toString(), "stand-in");
}

export async function startStandIn(host: { keyId: string; publicKeyBase64: string; id: string; profiles: string[] }): Promise<StandIn> {
  const platform = pemKey();
  const impostor = { ...pemKey(), keyId: platform.keyId };
  const nonces = new Set<string>();
  const hostPublic = publicKeyFromRaw(host.publicKeyBase64);
  const state: Omit<StandIn, "url" | "close"> = {
    platform,
    mode: { fail503: 0, ackLost: 0, rateLimit: 0, retryAfterSec: 1, directives: "ok", rollback: null },
    received: new Map(),
    arrivals: new Map(),
    log: [],
    interop: { checked: 0, failed: 0, errors: [] },
  };
  let base = "";

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void handle(req, Buffer.concat(chunks)).then(({ status, headers, body }) => {
        state.log.push({ at: Date.now(), method: req.method ?? "", path: req.url ?? "", status, check: (headers["x-check"] as string) ?? undefined });
        res.writeHead(status, headers);
        res.end(body);
      });
    });
  });

  const json = (status: number, value: unknown, extra: Record<string, string> = {}) => ({
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...extra },
    body: JSON.stringify(value),
  });

  async function handle(req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: string | Uint8Array }> {
    const url = `${base}${req.url}`;
    const method = req.method ?? "GET";
    const headers = req.headers as Record<string, string | string[] | undefined>;
    if (req.url === "/api/v1/platform-key") return json(200, { keyId: platform.keyId, alg: "ed25519", publicKey: platform.publicKeyBase64 });

    const verified = await verifyRequest({
      method, url, headers, body, now: new Date(),
      lookupKey: async (id) => (id === host.keyId ? { publicKey: hostPublic, status: "active", alg: "ed25519" } : null),
    });
    state.interop.checked++;
    const theirs = await httpbis
      .verifyMessage(
        {
          keyLookup: async (params: { keyid?: string }) =>
            params.keyid === host.keyId ? { id: host.keyId, algs: ["ed25519"], verify: createVerifier(hostPublic, "ed25519") } : null,
          requiredFields: ["@method", "@path", ...(body.length > 0 ? ["content-digest"] : [])],
          requiredParams: ["created", "keyid", "nonce"],
        },
        { method, url, headers: headers as Record<string, string> },
      )
      .catch((error: unknown) => {
        state.interop.errors.push(String(error));
        return false;
      });
    if (!theirs) state.interop.failed++;
    if (!verified.ok) return json(401, { title: "Signature refused", detail: verified.detail, check: verified.check }, { "x-check": verified.check });
    if (nonces.has(verified.nonce)) return json(401, { title: "Replayed nonce", detail: "nonce reused", check: "replayed-nonce" });
    nonces.add(verified.nonce);

    if (req.url === "/api/v1/directives" && method === "GET") {
      const now = new Date();
      const issued = new Date(Math.floor(now.getTime() / 1000) * 1000 - (state.mode.directives === "expired" ? 100_000 : 0));
      const directives = {
        host: host.id,
        profiles: host.profiles.map((slug) => ({ slug, tenant: "acme", policyVersion: null, policyFailClosed: false, ...(state.mode.rollback ? { rollback: state.mode.rollback } : {}) })),
        killSwitches: [],
        policyVersion: null,
        issuedAt: issued.toISOString(),
        expiresAt: new Date(issued.getTime() + 60_000).toISOString(),
      };
      const key = state.mode.directives === "wrong-key" ? impostor : platform;
      const response = directivesResponse({ directives, key, request: { method, url, headers } });
      let text = await response.text();
      if (state.mode.directives === "tamper") text = text.replace('"killSwitches":[]', '"killSwitches":[ ]');
      const out: Record<string, string> = {};
      response.headers.forEach((v, k) => (out[k] = v));
      return { status: 200, headers: out, body: text };
    }

    if (req.url === "/api/v1/ingest" && method === "POST") {
      if (state.mode.rateLimit > 0) {
        state.mode.rateLimit--;
        return json(429, { title: "Too many requests", detail: "slow down" }, { "Retry-After": String(state.mode.retryAfterSec) });
      }
      if (state.mode.fail503 > 0) {
        state.mode.fail503--;
        return json(503, { title: "Database unavailable", detail: "try later" }, { "Retry-After": "0" });
      }
      const events = (JSON.parse(body.toString("utf8")) as { events: AgentEvent[] }).events;
      const refused = events.flatMap((e, index) => (e.type === "x-refuse" ? [{ index, field: "type", message: "refused by the stand-in" }] : []));
      if (refused.length > 0) return json(400, { title: "Invalid batch", detail: `${refused.length} invalid event(s)`, errors: refused });
      let accepted = 0;
      for (const event of events) {
        state.arrivals.set(event.id, (state.arrivals.get(event.id) ?? 0) + 1);
        if (!state.received.has(event.id)) {
          state.received.set(event.id, event);
          accepted++;
        }
      }
      if (state.mode.ackLost > 0) {
        state.mode.ackLost--;
        return json(503, { title: "Lost", detail: "the answer never arrived" });
      }
      return json(202, { accepted, duplicates: events.length - accepted, receipt: { id: randomUUID() } });
    }
    return json(404, { title: "Not found", detail: req.url ?? "" });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...state,
    url: base,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } as StandIn;
}
