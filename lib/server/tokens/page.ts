import "server-only";
/** Everything the Tokens page shows, for one actor. */
import { inScope, scopeFor } from "@/lib/authz";
import { db } from "@/lib/db";
import type { RequestActor } from "../actor";
import { listOwnTokens, listServiceAccounts, scopeChoices, type ScopeChoice, type ServiceAccountRow, type TokenRow } from "./read";

export interface TokensPage {
  own: TokenRow[];
  scopes: ScopeChoice[];
  /** Set for those who may manage service accounts (platform admins). */
  service: { accounts: ServiceAccountRow[]; tenants: { slug: string; name: string }[] } | null;
  /** A platform admin viewing as another role: the page is read-only. */
  readOnly: boolean;
}

export async function loadTokensPage(actor: RequestActor): Promise<TokensPage> {
  const prisma = await db();
  const [own, accounts] = await Promise.all([listOwnTokens(prisma, actor), listServiceAccounts(prisma, actor)]);
  const managesService = inScope(scopeFor(actor, "token.service"), null);
  return {
    own,
    scopes: scopeChoices(actor),
    service: managesService ? { accounts, tenants: actor.tenants.map((t) => ({ slug: t.slug, name: t.name })) } : null,
    readOnly: Boolean(actor.viewAs),
  };
}
