/**
 * A real OpenID Provider for tests (the `oidc-provider` package) on
 * 127.0.0.1: one confidential client for the console, authorization code
 * flow with PKCE, ID tokens that carry `email`, `name` and a `groups` claim,
 * and the package's built-in development login form (any password; the
 * login name picks the account by `sub` or email). Consent is granted
 * automatically for the console's client, as for a first-party app.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface TestOidcAccount {
  sub: string;
  email: string;
  name: string;
  groups: string[];
}

/** Accounts the e2e world signs in with (emails never collide with demo users). */
export const TEST_OIDC_ACCOUNTS: TestOidcAccount[] = [
  { sub: "oidc-approver", email: "oidc-approver@idp.test", name: "Olive Approver", groups: ["cg-acme-approvers"] },
  { sub: "oidc-auditor", email: "oidc-auditor@idp.test", name: "Otto Auditor", groups: ["cg-globex-auditors", "unmapped"] },
  { sub: "oidc-admin", email: "oidc-admin@idp.test", name: "Ada Admin", groups: ["cg-platform-admins"] },
  { sub: "oidc-nobody", email: "oidc-nobody@idp.test", name: "Nora Nobody", groups: ["some-other-team"] },
];

/** The CELLGATE_OIDC_GROUP_MAP matching TEST_OIDC_ACCOUNTS. */
export const TEST_OIDC_GROUP_MAP =
  "cg-acme-approvers=acme:approver,cg-globex-auditors=globex:auditor,cg-platform-admins=*:platform_admin";

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
  /** Same as stop(). */
  close(): Promise<void>;
}

interface ProviderLike {
  proxy: boolean;
  callback(): http.RequestListener;
  Grant: new (init: { clientId: string; accountId: string }) => GrantLike;
}
interface GrantLike {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
type ProviderCtor = new (issuer: string, configuration: Record<string, unknown>) => ProviderLike;

interface InteractionContext {
  oidc: {
    client?: { clientId: string };
    account?: { accountId: string };
    session?: { grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    provider: ProviderLike & { Grant: { find(id: string): Promise<GrantLike | undefined> } };
  };
}

export async function startTestOidcProvider(opts: {
  port: number;
  redirectUri: string;
  accounts?: TestOidcAccount[];
}): Promise<TestOidcProvider> {
  const accounts = opts.accounts ?? TEST_OIDC_ACCOUNTS;
  const issuer = `http://127.0.0.1:${opts.port}`;
  const clientId = "cellgate-console";
  const clientSecret = randomBytes(24).toString("base64url");
  const specifier = "oidc-provider"; // untyped package: keep TypeScript from resolving it
  const { default: Provider } = (await import(specifier)) as { default: ProviderCtor };
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });

  const find = (id: string) => accounts.find((a) => a.sub === id || a.email.toLowerCase() === id.toLowerCase());

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    async findAccount(_ctx: unknown, id: string) {
      const account = find(id);
      if (!account) return undefined;
      return {
        accountId: account.sub,
        async claims() {
          return {
            sub: account.sub,
            email: account.email,
            email_verified: true,
            name: account.name,
            groups: account.groups,
          };
        },
      };
    },
    // Released with the standard scopes, and put into the ID token itself.
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    jwks: { keys: [{ ...signingKey, kid: "test-signing-key", use: "sig", alg: "RS256" }] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    // First-party client: skip the consent screen.
    async loadExistingGrant(ctx: InteractionContext) {
      const { oidc } = ctx;
      if (!oidc.client || !oidc.account || !oidc.session) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.account.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  provider.proxy = false;

  // The development login form takes any login name; accept an account's
  // email as well as its `sub` by rewriting the submitted login to the sub
  // (oidc-provider reads an already-consumed body from `req.body`).
  const handle = provider.callback();
  const server = http.createServer((req, res) => {
    if (req.method !== "POST" || !req.url?.startsWith("/interaction/")) return void handle(req, res);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const login = form.get("login");
      const account = login ? find(login) : undefined;
      if (account) form.set("login", account.sub);
      (req as http.IncomingMessage & { body?: string }).body = form.toString();
      void handle(req, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  if (actualPort !== opts.port) throw new Error(`test OIDC provider bound ${actualPort}, expected ${opts.port}`);

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return stopped;
  };
  return { issuer, clientId, clientSecret, stop, close: stop };
}
