import { createPrivateKey, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { rawPublicKeyBase64 } from "./ed25519-keys";
import { buildSignatureBase, componentIdentifier, componentValue, fieldValue, type Message, SignatureBaseError } from "./signature-base";
import { signRequest } from "./sign";
import type { Parameters } from "./structured-fields-types";

// RFC 9421 Appendix B.1.4, "test-key-ed25519".
const RFC_PRIVATE_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----`;
const RFC_PUBLIC_PEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----`;

// RFC 9421 Appendix B.2 test request.
const RFC_HEADERS = {
  Host: "example.com",
  Date: "Tue, 20 Apr 2021 02:07:55 GMT",
  "Content-Type": "application/json",
  "Content-Digest": "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
  "Content-Length": "18",
};
const RFC_REQUEST: Message = { kind: "request", method: "POST", url: "https://example.com/foo?param=Value&Pet=dog", headers: RFC_HEADERS };

// RFC 9421 Appendix B.2.6, "Signing a Request Using ed25519".
const B26_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@method": POST',
  '"@path": /foo',
  '"@authority": example.com',
  '"content-type": application/json',
  '"content-length": 18',
  '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
].join("\n");
const B26_SIGNATURE = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==";
const B26_COMPONENTS = ["date", "@method", "@path", "@authority", "content-type", "content-length"];

describe("RFC 9421 Appendix B.2.6 (ed25519)", () => {
  const params: Parameters = new Map<string, string | number>([
    ["created", 1618884473],
    ["keyid", "test-key-ed25519"],
  ]);

  it("builds the signature base byte for byte", () => {
    expect(buildSignatureBase(RFC_REQUEST, B26_COMPONENTS.map(componentIdentifier), params)).toBe(B26_BASE);
  });

  it("the RFC's signature verifies over that base with the RFC public key", () => {
    const ok = verify(null, Buffer.from(B26_BASE), createPublicKey(RFC_PUBLIC_PEM), Buffer.from(B26_SIGNATURE, "base64"));
    expect(ok).toBe(true);
  });

  it("signRequest reproduces the RFC's Signature-Input and Signature exactly", () => {
    const headers = signRequest({
      method: "POST",
      url: "https://example.com/foo?param=Value&Pet=dog",
      headers: RFC_HEADERS,
      keyId: "test-key-ed25519",
      privateKey: createPrivateKey(RFC_PRIVATE_PEM),
      created: 1618884473,
      includeAlg: false,
      label: "sig-b26",
      components: B26_COMPONENTS,
      nonce: null,
    });
    expect(headers).toEqual({
      "Signature-Input": 'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      Signature: `sig-b26=:${B26_SIGNATURE}:`,
    });
  });

  it("the RFC public key PEM and private key agree", () => {
    expect(rawPublicKeyBase64(createPrivateKey(RFC_PRIVATE_PEM))).toBe("JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=");
  });
});

describe("derived components", () => {
  const request = (url: string, method = "get"): Message => ({ kind: "request", method, url, headers: {} });
  const value = (name: string, message: Message) => componentValue(componentIdentifier(name), message);

  it("derives request components from the URL (RFC 9421 §2.2)", () => {
    const m = request("HTTPS://WWW.Example.com:443/path/a%20b?param=value&x=%2F");
    expect(value("@method", m)).toBe("GET");
    expect(value("@authority", m)).toBe("www.example.com");
    expect(value("@scheme", m)).toBe("https");
    expect(value("@path", m)).toBe("/path/a%20b");
    expect(value("@query", m)).toBe("?param=value&x=%2F");
    expect(value("@request-target", m)).toBe("/path/a%20b?param=value&x=%2F");
    expect(value("@target-uri", m)).toBe("https://www.example.com/path/a%20b?param=value&x=%2F");
  });

  it("keeps a non-default port, uses / for an empty path and ? for no query", () => {
    const m = request("http://example.com:8080");
    expect(value("@authority", m)).toBe("example.com:8080");
    expect(value("@path", m)).toBe("/");
    expect(value("@query", m)).toBe("?");
  });

  it("derives @status for responses only, and ;req components from the request", () => {
    const req = { method: "GET", url: "https://c.example/api/v1/directives", headers: {} };
    const response: Message = { kind: "response", status: 200, headers: {}, request: req };
    expect(value("@status", response)).toBe("200");
    expect(value("@path;req", response)).toBe("/api/v1/directives");
    expect(() => value("@status", request("https://a/"))).toThrow(SignatureBaseError);
    expect(() => value("@path", response)).toThrow(SignatureBaseError);
  });

  it("refuses unsupported components and parameters instead of guessing", () => {
    const m = request("https://a/");
    expect(() => value("@query-param", m)).toThrow(/unsupported/);
    expect(() => componentIdentifier("content-type;sf")).toThrow(/unsupported/);
    expect(() => buildSignatureBase(m, [componentIdentifier("@method"), componentIdentifier("@method")], new Map())).toThrow(/twice/);
  });

  it("refuses a relative URL with a typed error", () => {
    expect(() => value("@path", request("/relative"))).toThrow(SignatureBaseError);
  });
});

describe("field values (RFC 9421 §2.1)", () => {
  it("lowercases names, trims values, joins several lines with ', ' and unfolds obs-fold", () => {
    const headers = { "X-Multi": ["  a  ", "b"], "x-multi": "c", "X-Folded": "one\r\n  two" };
    expect(fieldValue(headers, "x-multi")).toBe("a, b, c");
    expect(fieldValue(headers, "x-folded")).toBe("one two");
    expect(fieldValue(headers, "absent")).toBeNull();
    expect(fieldValue(new Headers({ "Content-Type": " text/plain " }), "content-type")).toBe("text/plain");
  });

  it("refuses a raw line break that would forge a signature-base line", () => {
    expect(() => fieldValue({ "x-evil": 'a\n"@method": GET' }, "x-evil")).toThrow(SignatureBaseError);
  });

  it("reports a covered field absent from the message as missing-component", () => {
    try {
      componentValue(componentIdentifier("content-type"), { kind: "request", method: "GET", url: "https://a/", headers: {} });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SignatureBaseError);
      expect((error as SignatureBaseError).code).toBe("missing-component");
    }
  });
});
