import { describe, expect, it } from "vitest";
import { allowedOrigins, chooseRedirect, defaultBaseUrl, invalidAllowedHosts, ownOrigin } from "./redirect-host";

const BASE = "http://localhost:3000";

describe("redirects back to the host used", () => {
  const allowed = allowedOrigins(BASE);

  it("allows NEXTAUTH_URL's origin and, for a loopback one, the other loopback names on the same port", () => {
    expect([...allowed].sort()).toEqual(["http://127.0.0.1:3000", "http://[::1]:3000", "http://localhost:3000"]);
    expect([...allowedOrigins("https://cellgate.example.com")]).toEqual(["https://cellgate.example.com"]);
    expect(defaultBaseUrl(undefined, 3510)).toBe("http://localhost:3510");
    expect(defaultBaseUrl("http://127.0.0.1:3510/", 3000)).toBe("http://127.0.0.1:3510");
  });

  it("adds CELLGATE_ALLOWED_HOSTS entries with NEXTAUTH_URL's scheme, or as full origins", () => {
    const list = allowedOrigins("https://cellgate.example.com", "console.internal:8443, https://alt.example.com ,HTTP://Legacy.example.com:80");
    expect([...list].sort()).toEqual([
      "http://legacy.example.com",
      "https://alt.example.com",
      "https://cellgate.example.com",
      "https://console.internal:8443",
    ]);
    expect(invalidAllowedHosts("ok.example.com, https://x.example.com/path, evil@x.com, ftp://x.com, a b")).toEqual([
      "https://x.example.com/path",
      "evil@x.com",
      "ftp://x.com",
      "a b",
    ]);
  });

  it("signed in at 127.0.0.1 stays on 127.0.0.1 (sign-out's callbackUrl /signin)", () => {
    const own = ownOrigin({ host: "127.0.0.1:3000" }, BASE, allowed, false);
    expect(own).toBe("http://127.0.0.1:3000");
    expect(chooseRedirect("/signin", BASE, own, allowed)).toBe("http://127.0.0.1:3000/signin");
    // next-auth builds its own URLs from NEXTAUTH_URL: they move to the host used.
    expect(chooseRedirect("http://localhost:3000/approvals?x=1#v", BASE, own, allowed)).toBe("http://127.0.0.1:3000/approvals?x=1#v");
  });

  it("never goes to a host that is not allowed", () => {
    // A Host header the console is not configured for: back to NEXTAUTH_URL.
    const own = ownOrigin({ host: "evil.example.com" }, BASE, allowed, false);
    expect(own).toBe(BASE);
    expect(chooseRedirect("/signin", BASE, own, allowed)).toBe("http://localhost:3000/signin");
    for (const url of ["https://evil.example.com/signin", "//evil.example.com/x", "/\\evil.example.com", "http://localhost:3001/", "javascript:alert(1)", "http://user:pw@127.0.0.1:3000/"]) {
      expect(chooseRedirect(url, BASE, "http://127.0.0.1:3000", allowed)).toBe("http://127.0.0.1:3000/");
    }
    expect(ownOrigin({ host: "127.0.0.1:3000/evil" }, BASE, allowed, false)).toBe(BASE);
    expect(ownOrigin({ host: null }, BASE, allowed, false)).toBe(BASE);
  });

  it("an explicitly allowed other origin may be the target", () => {
    expect(chooseRedirect("http://[::1]:3000/x", BASE, "http://127.0.0.1:3000", allowed)).toBe("http://[::1]:3000/x");
  });

  it("reads X-Forwarded-Host/-Proto only behind a trusted proxy", () => {
    const list = allowedOrigins("https://cellgate.example.com", "https://alt.example.com");
    const request = { host: "10.0.0.5:3000", forwardedHost: "alt.example.com", forwardedProto: "https" };
    expect(ownOrigin(request, "https://cellgate.example.com", list, true)).toBe("https://alt.example.com");
    expect(ownOrigin(request, "https://cellgate.example.com", list, false)).toBe("https://cellgate.example.com");
    expect(ownOrigin({ ...request, forwardedHost: "evil.example.com" }, "https://cellgate.example.com", list, true)).toBe("https://cellgate.example.com");
  });
});
