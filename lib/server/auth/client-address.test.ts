import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, UNKNOWN_ADDRESS } from "./client-address";

describe("clientAddress", () => {
  it("without a trusted proxy takes the last X-Forwarded-For entry (the socket address Next recorded)", () => {
    expect(clientAddress({ "x-forwarded-for": "203.0.113.7" }, false)).toBe("203.0.113.7");
    expect(clientAddress({ "x-forwarded-for": "198.51.100.1, 203.0.113.7" }, false)).toBe("203.0.113.7");
  });

  it("behind a trusted proxy takes the first entry (the client as the proxy saw it)", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.1, 10.0.0.2" }), true)).toBe("198.51.100.1");
  });

  it("falls back to the 'unknown' bucket for missing or malformed values", () => {
    expect(clientAddress({}, false)).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(null, true)).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress({ "x-forwarded-for": "not-an-ip" }, false)).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress({ "x-forwarded-for": "" }, false)).toBe(UNKNOWN_ADDRESS);
  });

  it("normalizes ports, brackets and IPv4-mapped IPv6", () => {
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("192.0.2.5:8080")).toBe("192.0.2.5");
    expect(normalizeAddress("::1")).toBe("::1");
  });
});
