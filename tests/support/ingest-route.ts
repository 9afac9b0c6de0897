/**
 * A signed batch through the ingest route handler in this process (no HTTP
 * server): the real path — signature, parsing, redaction, storage, receipt.
 */
import { POST as ingest } from "../../app/api/v1/ingest/route";
import { batch, sign, type TestHost } from "./signed-client";

/** Sends `events` as `host`; throws with the problem document unless the console answered 202. */
export async function ingestAccepted(host: TestHost, events: Array<Record<string, unknown>>): Promise<{ accepted: number; duplicates: number }> {
  const signed = sign({ url: "http://console.test/api/v1/ingest", body: batch(events), host });
  const res = await ingest(new Request(signed.url, { method: "POST", headers: signed.headers, body: signed.body }));
  const body = await res.json();
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body)}`);
  return body as { accepted: number; duplicates: number };
}
