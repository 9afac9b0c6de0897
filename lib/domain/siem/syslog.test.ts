import { describe, expect, it } from "vitest";
import { GENESIS_HASH, hashAuditEntry } from "../audit/chain";
import { parseSyslogAddress, siemWebhookUrlProblem } from "./config";
import { toOcsf } from "./ocsf";
import { headerField, octetCountedFrame, sdParamValue, splitOctetCounted, syslogMessage } from "./syslog";

const fields = {
  seq: 7, time: "2026-12-07T23:10:00.123Z", actorType: "system", actorId: "integrity-check", action: "job.integrity_alarm",
  resource: "job:j-1", tenantId: null, profileId: null, decision: "ALARM", requestHash: null, resultHash: null, traceId: null,
  data: { receipt: 'rc"p]t\\1', note: "é" }, prevHash: GENESIS_HASH,
};
const event = toOcsf({ ...fields, hash: hashAuditEntry(fields) }, "1");

describe("RFC 5424 message", () => {
  it("has PRI (log audit, severity from OCSF), version 1, the entry's time, host, app, MSGID, structured data and the OCSF JSON", () => {
    const message = syslogMessage(event, "console 1.example");
    const match = /^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[.*?[^\\]\]) (\{.*\})$/.exec(message);
    expect(match).not.toBeNull();
    const [, pri, time, host, app, procid, msgid, sd, msg] = match!;
    expect(Number(pri)).toBe(13 * 8 + 3); // high severity → error
    expect([time, host, app, procid, msgid]).toEqual(["2026-12-07T23:10:00.123Z", "console1.example", "cellgate", "-", "ocsf-2004"]);
    expect(sd).toBe(`[cellgate@32473 seq="7" hash="${event.unmapped.hash}" prevHash="${GENESIS_HASH}" receipt="rc\\"p\\]t\\\\1"]`);
    expect(JSON.parse(msg!)).toEqual(JSON.parse(JSON.stringify(event)));
    expect(/^[\x20-\x7e]*$/.test(message)).toBe(true);
  });

  it("escapes SD-PARAM values and cleans header fields", () => {
    expect(sdParamValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    expect(headerField("", 10)).toBe("-");
    expect(headerField("höst name", 255)).toBe("hstname");
    expect(headerField("x".repeat(300), 255)).toHaveLength(255);
  });
});

describe("octet-counted framing (RFC 6587 §3.4.1)", () => {
  it("prefixes the length in octets (not characters) and a space", () => {
    expect(octetCountedFrame("abc").toString()).toBe("3 abc");
    expect(octetCountedFrame("é").toString("utf8")).toBe("2 é");
  });

  it("splits a stream back into messages, across chunk boundaries", () => {
    const stream = Buffer.concat([octetCountedFrame("first message"), octetCountedFrame("second é"), octetCountedFrame("x")]);
    const got: string[] = [];
    let rest: Buffer = Buffer.alloc(0);
    for (let i = 0; i < stream.length; i += 5) {
      const split = splitOctetCounted(Buffer.concat([rest, stream.subarray(i, i + 5)]));
      got.push(...split.messages);
      rest = split.rest;
    }
    expect(got).toEqual(["first message", "second é", "x"]);
    expect(rest.length).toBe(0);
    expect(() => splitOctetCounted(Buffer.from("0 x"))).toThrow(/malformed octet count/);
    expect(() => splitOctetCounted(Buffer.from("<13>1 - -"))).toThrow(/malformed octet count/);
  });
});

describe("sink settings", () => {
  it("parses tcp:// and tls:// addresses and refuses anything else", () => {
    expect(parseSyslogAddress("tcp://siem.internal:6514")).toEqual({ transport: "tcp", host: "siem.internal", port: 6514 });
    expect(parseSyslogAddress("tls://[::1]:6514")).toEqual({ transport: "tls", host: "::1", port: 6514 });
    for (const bad of ["udp://h:514", "tcp://h", "tcp://h:0", "tcp://h:70000", "h:514", "tls://h:514/x"]) expect(parseSyslogAddress(bad)).toBeNull();
  });

  it("wants https for the webhook, http only to loopback", () => {
    expect(siemWebhookUrlProblem("https://siem.example/hook")).toBeNull();
    expect(siemWebhookUrlProblem("http://127.0.0.1:8080/hook")).toBeNull();
    expect(siemWebhookUrlProblem("http://localhost/hook")).toBeNull();
    expect(siemWebhookUrlProblem("http://siem.example/hook")).toBe("not https");
    expect(siemWebhookUrlProblem("ftp://siem.example/")).toBe("not https");
  });
});
