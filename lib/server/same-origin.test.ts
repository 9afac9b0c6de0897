import { afterEach, describe, expect, it } from "vitest";
import { originRefusal, sameOriginProblem } from "./same-origin";

function request(headers: Record<string, string>, url = "http://console.internal:3000/audit/export/download"): Request {
  return new Request(url, { method: "POST", headers: { host: "console.internal:3000", ...headers } });
}

describe("browser writes only from the console's own pages", () => {
  const saved = process.env.NEXTAUTH_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.NEXTAUTH_URL;
    else process.env.NEXTAUTH_URL = saved;
  });

  it("accepts the console's own origin (by Host, or NEXTAUTH_URL behind a proxy)", () => {
    expect(originRefusal(request({ origin: "http://console.internal:3000", "sec-fetch-site": "same-origin" }))).toBeNull();
    process.env.NEXTAUTH_URL = "https://cellgate.example.com";
    expect(originRefusal(request({ origin: "https://cellgate.example.com" }))).toBeNull();
  });

  it("refuses cross-site and same-site fetch metadata, a missing or null Origin, and a foreign one", () => {
    expect(originRefusal(request({ origin: "http://console.internal:3000", "sec-fetch-site": "cross-site" }))).toBe("cross-site");
    expect(originRefusal(request({ origin: "http://console.internal:3000", "sec-fetch-site": "same-site" }))).toBe("same-site");
    expect(originRefusal(request({}))).toBe("no-origin");
    expect(originRefusal(request({ origin: "null" }))).toBe("no-origin");
    expect(originRefusal(request({ origin: "http://evil.example" }))).toBe("foreign-origin");
    expect(originRefusal(request({ origin: "http://console.internal:3000.evil.example" }))).toBe("foreign-origin");
  });

  it("answers 403 problem+json naming the check, never a 500", async () => {
    const response = sameOriginProblem(request({ "sec-fetch-site": "cross-site" }))!;
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 403, check: "cross-site" });
    expect(sameOriginProblem(request({ origin: "http://console.internal:3000" }))).toBeNull();
  });
});
