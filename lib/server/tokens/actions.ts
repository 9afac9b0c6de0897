import "server-only";
/**
 * Creating and revoking API tokens, and service accounts, through the one
 * pipeline. A token's permissions are checked against what its creator holds
 * in its scope (the "grants-held" rule of lib/authz); at use time they are
 * intersected again with what its owner holds then. The token is returned
 * once, in the action's result, and never written anywhere: the database
 * keeps its SHA-256, the receipt names its id.
 */
import { inScope, scopeFor, type Permission, type Resource } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import type { Tx } from "@/lib/db";
import { mintToken } from "@/lib/domain/tokens/format";
import {
  PLATFORM_SCOPE,
  ZCreateServiceAccountInput,
  ZCreateServiceTokenInput,
  ZCreateTokenInput,
  ZRevokeTokenInput,
  serviceAccountEmail,
  type CreateTokenInput,
} from "@/lib/schemas/tokens";
import { defineAction, type ReceiptSpec } from "../action";
import { actorForUser, loadActorUser, type RequestActor } from "../actor";
import { AppError } from "../errors";

export const TOKENS_PATH = "/tokens";
const DAY_MS = 86_400_000;

interface TokenScope extends Resource {
  tenantId: string | null;
  tenantSlug: string | null;
  grants: readonly Permission[];
}

export interface CreatedToken {
  id: string;
  /** The token itself: shown once. */
  token: string;
  name: string;
  ownerEmail: string;
  scope: string;
  permissions: Permission[];
  expiresAt: string;
}

/** The scope a token asks for, inside what the actor may read ("platform" stays platform). */
async function resolveTokenScope(tx: Tx, actor: RequestActor, input: CreateTokenInput): Promise<TokenScope | null> {
  if (input.scope === PLATFORM_SCOPE) return { tenantId: null, tenantSlug: null, grants: input.permissions };
  const tenant = await tx.tenant.findFirst({
    where: { slug: input.scope, ...scopedWhere(scopeFor(actor, "registry.read"), "id") },
    select: { id: true, slug: true },
  });
  return tenant ? { tenantId: tenant.id, tenantSlug: tenant.slug, grants: input.permissions } : null;
}

async function insertToken(
  tx: Tx,
  owner: { id: string; email: string },
  createdBy: string,
  input: CreateTokenInput,
  scope: TokenScope,
  receiptId: string,
): Promise<CreatedToken> {
  const minted = mintToken();
  const expiresAt = new Date(Date.now() + input.expiresInDays * DAY_MS);
  await tx.apiToken.create({
    data: {
      id: minted.id,
      ownerId: owner.id,
      name: input.name,
      hash: minted.hash,
      tenantId: scope.tenantId,
      permissions: [...input.permissions],
      createdBy,
      expiresAt,
      receiptId,
    },
  });
  return {
    id: minted.id,
    token: minted.token,
    name: input.name,
    ownerEmail: owner.email,
    scope: scope.tenantSlug ?? PLATFORM_SCOPE,
    permissions: [...input.permissions],
    expiresAt: expiresAt.toISOString(),
  };
}

/** The receipt of a new token: never the token itself. */
function tokenReceipt(result: CreatedToken, scope: TokenScope, input: CreateTokenInput): ReceiptSpec {
  const facts = { id: result.id, owner: result.ownerEmail, scope: result.scope, permissions: result.permissions, expiresAt: result.expiresAt };
  return {
    scope: scope.tenantId ? { type: "tenant", id: scope.tenantId } : { type: "platform", id: "platform" },
    tenantId: scope.tenantId,
    request: { name: input.name, scope: input.scope, permissions: input.permissions, expiresInDays: input.expiresInDays },
    result: facts,
    summary: { token: result.id, name: result.name, ...facts, permissions: result.permissions.join(", ") },
  };
}

export const createTokenAction = defineAction({
  name: "token.create",
  input: ZCreateTokenInput,
  permission: "token.manage",
  resource: (input, tx, actor) => resolveTokenScope(tx, actor, input),
  run: (tx, input, actor, scope, { receiptId }) => insertToken(tx, { id: actor.userId, email: actor.email }, actor.userId, input, scope, receiptId),
  receipt: (input, result, _actor, scope) => tokenReceipt(result, scope, input),
  revalidate: [TOKENS_PATH],
});

/**
 * A platform admin makes a token for a service account. The permissions must
 * be ones the service account holds in the scope (else the token would be
 * refused at every use); the admin's own powers are checked by the pipeline.
 */
export const createServiceTokenAction = defineAction({
  name: "token.create_service",
  input: ZCreateServiceTokenInput,
  permission: "token.service",
  resource: async (input, tx, actor) => {
    const scope = await resolveTokenScope(tx, actor, input);
    return scope && { ...scope, tenantId: null, tokenTenantId: scope.tenantId };
  },
  async run(tx, input, actor, resource, { receiptId }) {
    const account = await loadActorUser(tx, input.serviceAccount);
    if (!account || account.kind !== "service" || account.disabled) throw new AppError("not_found", "No such service account.");
    const serviceActor = await actorForUser(tx, account);
    const missing = input.permissions.filter((p) => !inScope(scopeFor(serviceActor, p), resource.tokenTenantId));
    if (missing.length) {
      throw new AppError(
        "invalid_input",
        `${account.email} does not hold ${missing.join(", ")} in ${resource.tenantSlug ?? "the platform scope"}; give it the role first or choose fewer permissions.`,
        { permissions: [`Not held by ${account.email}: ${missing.join(", ")}`] },
      );
    }
    return insertToken(tx, { id: account.id, email: account.email }, actor.userId, input, { ...resource, tenantId: resource.tokenTenantId }, receiptId);
  },
  receipt: (input, result, _actor, resource) => tokenReceipt(result, { ...resource, tenantId: resource.tokenTenantId }, input),
  revalidate: [TOKENS_PATH],
});

export const revokeTokenAction = defineAction({
  name: "token.revoke",
  input: ZRevokeTokenInput,
  permission: "token.revoke",
  async resource(input, tx, actor) {
    // Your own tokens; who manages service accounts (platform admins) also any other: a leaked token in an incident.
    const anyToken = inScope(scopeFor(actor, "token.service"), null);
    const row = await tx.apiToken.findFirst({
      where: { id: input.id, ...(anyToken ? {} : { ownerId: actor.userId }) },
      select: { id: true, tenantId: true, ownerId: true, revokedAt: true, name: true, owner: { select: { email: true } } },
    });
    return row && { ...row, tenantId: null, tokenTenantId: row.tenantId };
  },
  async run(tx, input, actor, token) {
    if (token.revokedAt) throw new AppError("conflict", `Token ${token.id} was already revoked at ${token.revokedAt.toISOString()}.`);
    const now = new Date();
    const updated = await tx.apiToken.updateMany({ where: { id: input.id, revokedAt: null }, data: { revokedAt: now, revokedBy: actor.userId } });
    if (updated.count !== 1) throw new AppError("conflict", `Token ${token.id} was revoked a moment ago.`);
    return { id: token.id, revokedAt: now.toISOString(), owner: token.owner.email };
  },
  receipt: (input, result, _actor, token) => ({
    scope: token.tokenTenantId ? { type: "tenant", id: token.tokenTenantId } : { type: "platform", id: "platform" },
    tenantId: token.tokenTenantId,
    request: input,
    result,
    summary: { token: result.id, name: token.name, owner: result.owner, revokedAt: result.revokedAt },
  }),
  revalidate: [TOKENS_PATH],
});

export const createServiceAccountAction = defineAction({
  name: "service_account.create",
  input: ZCreateServiceAccountInput,
  permission: "token.service",
  async resource(input, tx) {
    if (input.grant === "platform_admin") return { tenantId: null, grantTenant: null };
    const [slug] = input.grant.split(":");
    const tenant = await tx.tenant.findUnique({ where: { slug }, select: { id: true, slug: true } });
    return tenant && { tenantId: null, grantTenant: tenant };
  },
  async run(tx, input, _actor, resource) {
    const email = serviceAccountEmail(input.slug);
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) {
      throw new AppError("conflict", `A service account ${input.slug} already exists.`, { slug: ["Already taken"] });
    }
    const role = input.grant === "platform_admin" ? null : (input.grant.split(":")[1] as CreateTokenRole);
    const user = await tx.user.create({
      data: {
        email,
        name: input.description ?? `Service account ${input.slug}`,
        kind: "service",
        platformAdmin: input.grant === "platform_admin",
        ...(resource.grantTenant && role ? { memberships: { create: { tenantId: resource.grantTenant.id, role } } } : {}),
      },
    });
    return { id: user.id, email, grant: input.grant };
  },
  receipt: (input, result, _actor, resource) => ({
    scope: { type: "user", id: result.id },
    tenantId: resource.grantTenant?.id ?? null,
    request: input,
    result,
    summary: { serviceAccount: result.email, grant: result.grant },
  }),
  revalidate: [TOKENS_PATH],
});

type CreateTokenRole = "viewer" | "operator" | "approver" | "auditor" | "tenant_admin";
