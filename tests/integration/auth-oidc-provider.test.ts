/**
 * The test OpenID Provider (e2e/support/oidc-provider.ts) against the real
 * next-auth configuration: discovery, then the whole authorization code flow
 * (PKCE, state, nonce) driven over HTTP through next-auth's own handler, the
 * provider's login form, and back to our callback, which creates the user,
 * memberships and session in a real database.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import NextAuth, { type NextAuthOptions } from "next-auth";
import { decode } from "next-auth/jwt";
import { setDatabase } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { checkSession } from "@/lib/server/auth/sessions";
import { startTestOidcProvider, TEST_OIDC_ACCOUNTS, TEST_OIDC_GROUP_MAP, type TestOidcProvider } from "../../e2e/support/oidc-provider";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const SECRET = "integration-test-secret-0123456789";
const APP = "http://127.0.0.1:3999"; // never listened on: the test plays the browser

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

type Jar = Map<string, string>;
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
function store(jar: Jar, response: Response) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
  }
}

interface HandlerResult {
  status: number;
  location: string | null;
  body: unknown;
  cookies: Map<string, string>;
}

/** next-auth's own request handler (its pages-API form: plain request and response objects). */
async function callNextAuth(
  options: NextAuthOptions,
  request: { path: string[]; method: "GET" | "POST"; query?: Record<string, string>; body?: Record<string, string>; cookies: Jar },
): Promise<HandlerResult> {
  const headers = new Map<string, unknown>();
  const result: HandlerResult = { status: 200, location: null, body: undefined, cookies: new Map() };
  const res = {
    status(code: number) {
      result.status = code;
      return res;
    },
    setHeader(name: string, value: unknown) {
      headers.set(name.toLowerCase(), value);
      return res;
    },
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    end() {},
    json(body: unknown) {
      result.body = body;
    },
    send(body: unknown) {
      result.body = body;
    },
  };
  const req = {
    query: { nextauth: request.path, ...request.query },
    body: request.body,
    cookies: Object.fromEntries(request.cookies),
    headers: { host: new URL(APP).host },
    method: request.method,
  };
  await (NextAuth as unknown as (req: unknown, res: unknown, options: NextAuthOptions) => Promise<void>)(req, res, options);
  result.location = (headers.get("location") as string | undefined) ?? null;
  const setCookies = (headers.get("set-cookie") as string[] | string | undefined) ?? [];
  for (const line of Array.isArray(setCookies) ? setCookies : [setCookies]) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    result.cookies.set(pair!.slice(0, eq), decodeURIComponent(pair!.slice(eq + 1)));
  }
  return result;
}

describe("test OIDC provider with next-auth", () => {
  let idp: TestOidcProvider;
  let database: TestDatabase;
  let options: NextAuthOptions;
  const saved = { ...process.env };

  beforeAll(async () => {
    const port = await freePort();
    idp = await startTestOidcProvider({ port, redirectUri: `${APP}/api/auth/callback/oidc` });
    database = await createTestDatabase("postgresql");
    setDatabase(database);
    for (const slug of ["acme", "globex"]) {
      const exists = await database.prisma.tenant.findUnique({ where: { slug } });
      if (!exists) await database.prisma.tenant.create({ data: { slug, name: slug } });
    }
    Object.assign(process.env, {
      NEXTAUTH_URL: APP,
      NEXTAUTH_SECRET: SECRET,
      CELLGATE_OIDC_ISSUER: idp.issuer,
      CELLGATE_OIDC_CLIENT_ID: idp.clientId,
      CELLGATE_OIDC_CLIENT_SECRET: "env:TEST_IDP_SECRET",
      TEST_IDP_SECRET: idp.clientSecret,
      CELLGATE_OIDC_GROUP_MAP: TEST_OIDC_GROUP_MAP,
      CELLGATE_OIDC_NAME: "Test IdP",
    });
    resetEnvCache();
    const { buildAuthOptions } = await import("@/lib/server/auth/options");
    options = buildAuthOptions();
  });

  afterAll(async () => {
    process.env = saved;
    resetEnvCache();
    setDatabase(undefined);
    await idp?.stop();
    await database?.close();
  });

  it("publishes discovery the next-auth provider can use", async () => {
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.code_challenge_methods_supported).toContain("S256");
    expect(meta.claims_supported).toContain("groups");
    const provider = options.providers.find((p) => p.id === "oidc") as { wellKnown?: string; checks?: string[]; clientSecret?: string };
    expect(provider.wellKnown).toBe(`${idp.issuer}/.well-known/openid-configuration`);
    expect(provider.checks).toEqual(["pkce", "state", "nonce"]);
    expect(provider.clientSecret).toBe(idp.clientSecret); // resolved from the env: reference
  });

  async function signInThroughIdp(login: string) {
    const appJar: Jar = new Map();
    const keep = (r: HandlerResult) => r.cookies.forEach((value, name) => appJar.set(name, value));
    const csrf = await callNextAuth(options, { path: ["csrf"], method: "GET", cookies: appJar });
    keep(csrf);
    const start = await callNextAuth(options, {
      path: ["signin", "oidc"],
      method: "POST",
      body: { csrfToken: (csrf.body as { csrfToken: string }).csrfToken, callbackUrl: `${APP}/profiles` },
      cookies: appJar,
    });
    keep(start);
    const authorize = new URL(start.location!);
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("nonce")).toBeTruthy();
    expect(authorize.searchParams.get("state")).toBeTruthy();

    // The browser's part: follow redirects at the provider and submit its login form.
    const idpJar: Jar = new Map();
    let url = authorize.toString();
    let response: Response | undefined;
    for (let hop = 0; hop < 10 && !url.startsWith(APP); hop++) {
      response = await fetch(url, { redirect: "manual", headers: { cookie: cookieHeader(idpJar) } });
      store(idpJar, response);
      if (response.status === 200) {
        const html = await response.text();
        const action = /action="([^"]+)"/.exec(html)?.[1];
        if (!action) throw new Error(`no login form at ${url}`);
        response = await fetch(new URL(action, idp.issuer), {
          method: "POST",
          redirect: "manual",
          headers: { cookie: cookieHeader(idpJar), "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ prompt: "login", login, password: "anything" }),
        });
        store(idpJar, response);
      }
      const next = response.headers.get("location");
      if (!next) throw new Error(`provider answered ${response.status} at ${url}`);
      url = new URL(next, url).toString();
    }
    const back = new URL(url);
    expect(back.pathname).toBe("/api/auth/callback/oidc");

    const callback = await callNextAuth(options, {
      path: ["callback", "oidc"],
      method: "GET",
      query: Object.fromEntries(back.searchParams),
      cookies: appJar,
    });
    keep(callback);
    return { redirect: callback.location ?? "", sessionCookie: appJar.get("next-auth.session-token") };
  }

  it("signs the approver in end to end: acme approver membership, a live session, only the sid in the JWT", async () => {
    const account = TEST_OIDC_ACCOUNTS.find((a) => a.sub === "oidc-approver")!;
    const { redirect, sessionCookie } = await signInThroughIdp(account.sub);
    expect(redirect).toBe(`${APP}/profiles`);
    const token = await decode({ token: sessionCookie!, secret: SECRET });
    expect(Object.keys(token ?? {}).filter((k) => !["iat", "exp", "jti"].includes(k))).toEqual(["sid"]);
    expect((await checkSession(database.prisma, String(token!.sid))).valid).toBe(true);
    const user = await database.prisma.user.findUniqueOrThrow({
      where: { email: account.email },
      include: { memberships: { include: { tenant: true } } },
    });
    expect(user.oidcIssuer).toBe(idp.issuer);
    expect(user.memberships.map((m) => `${m.tenant.slug}:${m.role}:${m.source}`)).toEqual(["acme:approver:oidc"]);
  });

  it("refuses an account whose groups map to nothing, with the no-access code", async () => {
    const { redirect, sessionCookie } = await signInThroughIdp("oidc-nobody@idp.test");
    expect(redirect).toBe("/signin?error=CG_OIDC_NO_ACCESS");
    expect(sessionCookie).toBeUndefined();
    expect(await database.prisma.user.findUnique({ where: { email: "oidc-nobody@idp.test" } })).toBeNull();
  });
});
