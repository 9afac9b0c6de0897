/**
 * SIEM export to syslog (RFC 5424, octet-counted, over TCP and over TLS with
 * a self-signed certificate made by openssl) and to an OTLP/HTTP logs
 * receiver (OTLP JSON), on both backends, against real local listeners:
 * every entry arrives in order with its chain fields; a sink that is down or
 * refuses keeps the entries and catches up once it is back.
 */
import fs from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OcsfEvent } from "@/lib/domain/siem/ocsf";
import { backoffMs, deliverBatch, drainSink, ensureCursor, readSiemCursors } from "@/lib/server/siem/deliver";
import { otlpSink, syslogSink } from "@/lib/server/siem/sinks";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { closedPort, parseRfc5424, selfSignedCertificate, startOtlpReceiver, startSyslogListener, type OtlpReceiver, type SyslogListener } from "./siem-receivers";
import { expectWholeChain, headSeq, seqs, writeEntries } from "./siem-support";

describe.each(BACKENDS)("SIEM export to syslog and OTLP (%s)", (backend) => {
  let database: TestDatabase;
  let cert: ReturnType<typeof selfSignedCertificate>;

  beforeAll(() => {
    cert = selfSignedCertificate();
  });
  beforeEach(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(() => {
    fs.rmSync(cert.dir, { recursive: true, force: true });
  });

  const cursor = async (sink: string) => (await readSiemCursors(database.sql)).find((c) => c.sink === sink)!;

  function syslogEvents(listener: SyslogListener): OcsfEvent[] {
    return listener.messages.map((text) => {
      const record = parseRfc5424(text);
      const event = JSON.parse(record.msg) as OcsfEvent;
      // The header and structured data carry the chain fields too.
      expect(record.version).toBe("1");
      expect(record.appName).toBe("cellgate");
      expect(record.msgId).toBe(`ocsf-${event.class_uid}`);
      expect(record.pri >> 3).toBe(13);
      expect(record.timestamp).toBe(event.unmapped.time);
      expect(record.sdId).toBe("cellgate@32473");
      expect(record.params).toEqual({
        seq: String(event.unmapped.seq),
        hash: event.unmapped.hash,
        prevHash: event.unmapped.prevHash,
        ...(event.unmapped.receipt ? { receipt: event.unmapped.receipt } : {}),
      });
      return event;
    });
  }

  it("syslog over TCP: every entry in order, octet-counted; down, then back: nothing lost", async () => {
    const listener = await startSyslogListener();
    await writeEntries(database, 12);
    const sink = syslogSink(listener.address);
    await ensureCursor(database.sql, sink);
    expect((await drainSink(database.sql, sink, { batch: 5 })).map((o) => o.status)).toEqual(["delivered", "delivered", "delivered", "idle"]);
    expect(listener.connections).toBe(3);
    expect(seqs(syslogEvents(listener))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expectWholeChain(syslogEvents(listener), 12);
    await listener.close();

    // The listener is gone: the sink is down. Writers go on; the entries wait.
    const port = listener.port;
    await writeEntries(database, 4);
    const t0 = new Date();
    const failed = await deliverBatch(database.sql, sink, { now: t0, batch: 5 });
    expect(failed).toMatchObject({ status: "failed" });
    expect((failed as { error: string }).error).toMatch(/ECONNREFUSED/);
    expect([(await cursor("syslog")).seq, (await cursor("syslog")).behind]).toEqual([12, 4]);

    const back = await startSyslogListener({ port });
    const outcomes = await drainSink(database.sql, sink, { now: new Date(t0.getTime() + backoffMs(1)), batch: 5 });
    expect(outcomes.map((o) => o.status)).toEqual(["delivered", "idle"]);
    expect(seqs(syslogEvents(back))).toEqual([13, 14, 15, 16]);
    expectWholeChain([...syslogEvents(listener), ...syslogEvents(back)], await headSeq(database));
    await back.close();
    await database.close();
  });

  it("syslog over TLS: delivered to a server whose certificate the configured CA signs; refused (and kept) when it does not", async () => {
    const listener = await startSyslogListener({ tls: { key: cert.key, cert: cert.cert } });
    await writeEntries(database, 7);
    // Without the CA: the self-signed certificate is not trusted; nothing is delivered.
    const untrusted = syslogSink(listener.address);
    await ensureCursor(database.sql, untrusted);
    const refused = await deliverBatch(database.sql, untrusted, { batch: 10 });
    expect(refused.status).toBe("failed");
    expect((refused as { error: string }).error).toMatch(/self[- ]signed certificate/);
    expect(listener.messages).toHaveLength(0);
    expect((await cursor("syslog")).seq).toBe(0);

    const trusted = syslogSink(listener.address, { ca: fs.readFileSync(cert.certFile, "utf8") });
    const outcomes = await drainSink(database.sql, trusted, { now: new Date(Date.now() + backoffMs(1)), batch: 10 });
    expect(outcomes.map((o) => o.status)).toEqual(["delivered", "idle"]);
    expect(seqs(syslogEvents(listener))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expectWholeChain(syslogEvents(listener), 7);
    const c = await cursor("syslog");
    expect([c.seq, c.delivered, c.failures]).toEqual([7, 7, 1]);
    await listener.close();
    await database.close();
  });

  describe("OTLP/HTTP logs", () => {
    let receiver: OtlpReceiver;
    beforeAll(async () => {
      receiver = await startOtlpReceiver();
    });
    afterAll(async () => {
      await receiver.close();
    });

    it("every entry as a log record (OCSF JSON body, chain fields as attributes), in order; a refusal keeps them for the next attempt", async () => {
      const from = receiver.records.length;
      await writeEntries(database, 9);
      const sink = otlpSink(receiver.url, { serviceVersion: "0.1.0" });
      await ensureCursor(database.sql, sink);
      const t0 = new Date();
      expect(await deliverBatch(database.sql, sink, { now: t0, batch: 4 })).toMatchObject({ status: "delivered", first: 1, last: 4 });
      receiver.script(400); // not retryable: the exporter gives up at once
      expect((await deliverBatch(database.sql, sink, { now: t0, batch: 4 })).status).toBe("failed");
      expect([(await cursor("otlp")).seq, (await cursor("otlp")).failures]).toEqual([4, 1]);
      const outcomes = await drainSink(database.sql, sink, { now: new Date(t0.getTime() + backoffMs(1)), batch: 4 });
      expect(outcomes.map((o) => o.status)).toEqual(["delivered", "delivered", "idle"]);

      const records = receiver.records.slice(from);
      const events = records.map((r) => {
        expect(r.resource["service.name"]).toBe("cellgate");
        expect(r.resource["service.version"]).toBe("0.1.0");
        expect(r.scope.name).toBe("cellgate.audit.siem");
        expect(typeof r.body.stringValue).toBe("string");
        const event = JSON.parse(r.body.stringValue!) as OcsfEvent;
        expect(r.attributes["cellgate.audit.seq"]).toBe(event.unmapped.seq);
        expect(r.attributes["cellgate.audit.hash"]).toBe(event.unmapped.hash);
        expect(r.attributes["cellgate.audit.prev_hash"]).toBe(event.unmapped.prevHash);
        expect(r.attributes["cellgate.audit.receipt"]).toBe(event.unmapped.receipt ?? undefined);
        expect(r.attributes["ocsf.class_uid"]).toBe(event.class_uid);
        expect(r.eventName).toBe(`ocsf.${event.class_uid}`);
        expect(BigInt(r.timeUnixNano)).toBe(BigInt(event.time) * 1_000_000n);
        expect(r.severityNumber).toBeGreaterThanOrEqual(9); // INFO or above
        return event;
      });
      expect(seqs(events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expectWholeChain(events, 9);
      await sink.close?.();
      await database.close();
    });

    it("an OTLP endpoint that is down records the failure and keeps every entry", async () => {
      await writeEntries(database, 2);
      const sink = otlpSink(`http://127.0.0.1:${await closedPort()}/v1/logs`, { timeoutMs: 500 });
      await ensureCursor(database.sql, sink);
      expect((await deliverBatch(database.sql, sink, { batch: 10 })).status).toBe("failed");
      const c = await cursor("otlp");
      expect([c.seq, c.behind, c.failures]).toEqual([0, 2, 1]);
      expect(c.lastError).toBeTruthy();
      await sink.close?.();
      await database.close();
    });
  });
});
