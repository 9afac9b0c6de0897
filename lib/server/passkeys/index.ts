import "server-only";
/**
 * Passkeys (WebAuthn) on the console: registering and removing them, the
 * decision challenge a vote is signed over, and checking a signed vote in
 * the transaction that records it. The relying party is the console's own
 * origin (NEXTAUTH_URL; its host name is the RP ID). Ceremony state is not
 * stored: what the console issued (a registration challenge, a decision
 * statement) comes back sealed with an HMAC under a key derived from the
 * platform key, and a statement's nonce is recorded with the vote it signed
 * (unique), so an assertion is never taken twice.
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse, type AuthenticatorTransportFuture } from "@simplewebauthn/server";
import { canonicalize } from "@/lib/domain/canonical-json";
import { b64url, decisionChallenge, STATEMENT_FORMAT, type AnyStatement, type DecisionEvidence, type DecisionStatement, type SwitchStatement } from "@/lib/domain/passkeys";
import { TIERS } from "@/lib/domain/tiers";
import type { Tx } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "../errors";
import { getPlatformKey } from "../platform-key";

/** The relying party: the console's origin and its host name. */
export function relyingParty(): { id: string; origin: string; name: string } {
  const url = new URL(env().NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`);
  return { id: url.hostname, origin: url.origin, name: "Cellgate" };
}

/** HMAC key for sealed ceremony state, derived from the platform key (the same on every replica). */
async function key(): Promise<Buffer> {
  const seed = (await getPlatformKey()).privateKey.export({ format: "der", type: "pkcs8" }).subarray(16);
  return Buffer.from(hkdfSync("sha256", seed, Buffer.alloc(0), "cellgate passkey ceremony v1", 32));
}

async function seal(value: unknown): Promise<string> {
  return createHmac("sha256", await key()).update(canonicalize(value)).digest("base64url");
}

async function sealHolds(value: unknown, tag: string): Promise<boolean> {
  const expected = Buffer.from(await seal(value), "base64url");
  const given = Buffer.from(tag, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const WINDOW_MS = 5 * 60_000;

// --- registration ----------------------------------------------------------

export interface RegistrationCeremony {
  userId: string;
  challenge: string;
  expiresAt: string;
}

export async function registrationOptions(tx: Tx, user: { id: string; email: string; name: string }) {
  const rp = relyingParty();
  const existing = await tx.passkeyCredential.findMany({ where: { userId: user.id, removedAt: null }, select: { id: true, transports: true } });
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
  });
  const ceremony: RegistrationCeremony = { userId: user.id, challenge: options.challenge, expiresAt: new Date(Date.now() + WINDOW_MS).toISOString() };
  return { options, ceremony, seal: await seal(ceremony) };
}


/** Verify a registration response against the sealed ceremony and store the credential. */
export async function registerCredential(
  tx: Tx,
  userId: string,
  input: { name: string; ceremony: RegistrationCeremony; seal: string; response: unknown },
): Promise<{ id: string; name: string }> {
  if (input.ceremony.userId !== userId || !(await sealHolds(input.ceremony, input.seal))) {
    throw new AppError("invalid_input", "This passkey registration was not started by the console for you; start again.");
  }
  if (Date.parse(input.ceremony.expiresAt) < Date.now()) throw new AppError("invalid_input", "The passkey registration took too long (5 minutes); start again.");
  const rp = relyingParty();
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response: input.response as Parameters<typeof verifyRegistrationResponse>[0]["response"],
      expectedChallenge: input.ceremony.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
    });
  } catch (error) {
    throw new AppError("invalid_input", `The passkey could not be registered: ${(error as Error).message}`);
  }
  if (!verified.verified || !verified.registrationInfo) throw new AppError("invalid_input", "The passkey could not be registered: the authenticator's answer did not verify.");
  const { credential, aaguid } = verified.registrationInfo;
  const taken = await tx.passkeyCredential.findUnique({ where: { id: credential.id } });
  if (taken) throw new AppError("conflict", "This passkey is registered already.");
  const row = await tx.passkeyCredential.create({
    data: {
      id: credential.id,
      userId,
      name: input.name,
      publicKey: b64url.encode(credential.publicKey),
      counter: credential.counter,
      transports: (credential.transports ?? []) as string[],
      aaguid: aaguid ?? null,
    },
  });
  return { id: row.id, name: row.name };
}

// --- decisions -------------------------------------------------------------

/**
 * Does a vote on this job need a passkey, and why? The policy asked for it
 * (a rule with `passkey: true`, whatever the setting), or the job's tier is
 * at or above CELLGATE_PASSKEY_MIN_TIER, or it is a promotion approval.
 */
export function passkeyRequirement(job: { tier: string; governance: boolean; policy?: boolean }): string | null {
  if (job.policy) return "The policy asks for passkey-signed votes on this job.";
  const min = env().CELLGATE_PASSKEY_MIN_TIER;
  if (min === "off") return null;
  if (job.governance) return "Promotion approvals are signed with your passkey.";
  const at = TIERS.indexOf(job.tier as (typeof TIERS)[number]);
  return at >= TIERS.indexOf(min) ? `Votes on ${job.tier} jobs are signed with your passkey.` : null;
}

/** "You have no passkey yet. Add one under Security (/security), then vote again." — `again` names the retry. */
export function noPasskeyYet(again: "vote again" | "try again"): string {
  return `You have no passkey yet. Add one under Security (/security), then ${again}.`;
}

/**
 * The refusal of a decision that needs a passkey and came without a proof:
 * why it needs one, then how to give it (confirm with yours, or add one first).
 */
export async function proofMissing(tx: Tx, userId: string, required: string, again: "vote again" | "try again"): Promise<AppError> {
  const has = await tx.passkeyCredential.count({ where: { userId, removedAt: null } });
  const how = has > 0 ? (again === "vote again" ? "Vote again and confirm with your passkey." : "Confirm with your passkey.") : noPasskeyYet(again);
  return new AppError("forbidden", `${required} ${how}`);
}

/** A statement to sign, sealed, and the WebAuthn request over its hash (the actor's passkeys allowed). */
async function signingRequest<S extends AnyStatement>(tx: Tx, userId: string, again: "vote again" | "try again", make: (window: { notBefore: string; notAfter: string; nonce: string }) => S) {
  const credentials = await tx.passkeyCredential.findMany({ where: { userId, removedAt: null }, select: { id: true, transports: true } });
  if (credentials.length === 0) throw new AppError("conflict", noPasskeyYet(again));
  const now = Date.now();
  const statement = make({
    notBefore: new Date(now - 30_000).toISOString(),
    notAfter: new Date(now + WINDOW_MS).toISOString(),
    nonce: b64url.encode(crypto.getRandomValues(new Uint8Array(16))),
  });
  const rp = relyingParty();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: new Uint8Array(b64url.decode(decisionChallenge(statement))),
    allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports as AuthenticatorTransportFuture[] })),
    userVerification: "required",
    timeout: WINDOW_MS,
  });
  return { statement, seal: await seal(statement), options };
}

/** The statement a vote signs: this vote, on this exact job hash, by this voter. */
export function decisionRequest(tx: Tx, userId: string, job: { id: string; jobHash: string }, vote: "approve" | "deny") {
  return signingRequest<DecisionStatement>(tx, userId, "vote again", (w) => ({
    format: STATEMENT_FORMAT,
    action: vote === "approve" ? "job.approve" : "job.deny",
    jobHash: job.jobHash,
    jobId: job.id,
    actor: userId,
    ...w,
  }));
}

/** The statement engaging or releasing a switch signs: exactly that switch, with its reason. */
export function switchRequest(tx: Tx, userId: string, action: SwitchStatement["action"], spec: SwitchStatement["switch"]) {
  return signingRequest<SwitchStatement>(tx, userId, "try again", (w) => ({ format: STATEMENT_FORMAT, action, switch: spec, actor: userId, ...w }));
}

/** Engaging or releasing a tenant-wide or global switch is signed with a passkey (unless passkeys are off). */
export function switchPasskeyRequirement(scope: string): string | null {
  if (env().CELLGATE_PASSKEY_MIN_TIER === "off") return null;
  if (scope !== "tenant" && scope !== "global") return null;
  return `A ${scope === "global" ? "global" : "tenant-wide"} kill switch is engaged and released with your passkey.`;
}

export interface PasskeyProof<S extends AnyStatement = DecisionStatement> {
  statement: S;
  seal: string;
  response: { id: string; response: { authenticatorData: string; clientDataJSON: string; signature: string } } & Record<string, unknown>;
}

/**
 * Check a passkey proof inside the transaction that records the decision:
 * the console issued the statement (its seal), to this actor, for this
 * action; `mismatch` finds nothing wrong with what it names; it is within its
 * window; its nonce was never used (`nonceUsed`); and the assertion verifies
 * with one of the actor's registered credentials. Returns the evidence to
 * store with the decision.
 */
async function checkProof<S extends AnyStatement>(
  tx: Tx,
  proof: PasskeyProof<S>,
  expected: { actor: string; action: S["action"]; mismatch: (s: S) => string | null; nonceUsed: (nonce: string) => Promise<boolean> },
): Promise<DecisionEvidence<S>> {
  const s = proof.statement;
  if (!(await sealHolds(s, proof.seal))) throw new AppError("invalid_input", "The passkey request was not issued by this console; try again.");
  if (s.actor !== expected.actor) throw new AppError("invalid_input", "The passkey request was issued to someone else; try again.");
  const mismatch = expected.mismatch(s);
  if (mismatch) throw new AppError("invalid_input", mismatch);
  if (s.action !== expected.action) throw new AppError("invalid_input", `The passkey assertion signs "${s.action}", not "${expected.action}"; nothing was recorded.`);
  const now = Date.now();
  if (now < Date.parse(s.notBefore) || now > Date.parse(s.notAfter)) throw new AppError("invalid_input", "The passkey request expired (5 minutes); try again.");
  const credential = await tx.passkeyCredential.findUnique({ where: { id: proof.response.id } });
  if (!credential || credential.userId !== expected.actor) throw new AppError("invalid_input", "That passkey is not registered to you; nothing was recorded.");
  if (credential.removedAt) throw new AppError("invalid_input", "That passkey was removed; use another or add one under Security.");
  if (await expected.nonceUsed(s.nonce)) throw new AppError("conflict", "This passkey assertion was already used; nothing was recorded.");
  const rp = relyingParty();
  let result;
  try {
    result = await verifyAuthenticationResponse({
      response: proof.response as unknown as Parameters<typeof verifyAuthenticationResponse>[0]["response"],
      expectedChallenge: decisionChallenge(s),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: credential.id, publicKey: new Uint8Array(b64url.decode(credential.publicKey)), counter: credential.counter },
      requireUserVerification: true,
    });
  } catch (error) {
    throw new AppError("invalid_input", `The passkey assertion was refused: ${(error as Error).message}. Nothing was recorded.`);
  }
  if (!result.verified) throw new AppError("invalid_input", "The passkey assertion did not verify; nothing was recorded.");
  await tx.passkeyCredential.update({ where: { id: credential.id }, data: { counter: result.authenticationInfo.newCounter, lastUsedAt: new Date() } });
  return {
    statement: s,
    rp: { id: rp.id, origin: rp.origin },
    credential: { id: credential.id, publicKey: credential.publicKey },
    assertion: {
      authenticatorData: proof.response.response.authenticatorData,
      clientDataJSON: proof.response.response.clientDataJSON,
      signature: proof.response.response.signature,
    },
  };
}

/** A vote's proof: it says exactly this vote by this voter on this job hash. */
export function checkVoteProof(
  tx: Tx,
  proof: PasskeyProof,
  expected: { actor: string; jobId: string; jobHash: string; vote: "approve" | "deny" },
): Promise<DecisionEvidence> {
  return checkProof(tx, proof, {
    actor: expected.actor,
    action: expected.vote === "approve" ? "job.approve" : "job.deny",
    mismatch: (s) =>
      s.jobId !== expected.jobId || s.jobHash !== expected.jobHash
        ? "The passkey assertion is for another job (or another version of this one); nothing was recorded. Vote again."
        : null,
    nonceUsed: async (nonce) => (await tx.jobVote.count({ where: { passkeyNonce: nonce } })) > 0,
  });
}

/** A switch decision's proof: it names exactly this switch (and reason). */
export function checkSwitchProof(
  tx: Tx,
  proof: PasskeyProof<SwitchStatement>,
  expected: { actor: string; action: SwitchStatement["action"]; spec: SwitchStatement["switch"] },
): Promise<DecisionEvidence<SwitchStatement>> {
  return checkProof(tx, proof, {
    actor: expected.actor,
    action: expected.action,
    mismatch: (s) =>
      canonicalize(s.switch ?? null) !== canonicalize(expected.spec)
        ? "The passkey assertion is for another kill switch (its scope, target or reason differ); nothing was recorded. Try again."
        : null,
    nonceUsed: async (nonce) => (await tx.killSwitch.count({ where: { OR: [{ engagePasskeyNonce: nonce }, { releasePasskeyNonce: nonce }] } })) > 0,
  });
}
