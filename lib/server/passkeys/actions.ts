import "server-only";
/**
 * The passkey actions on the one pipeline: registration options (a read),
 * registering and removing a passkey (each one receipt), and the challenge a
 * vote is signed over (a read; the vote itself is `job.vote`).
 */
import { z } from "zod";
import { defineAction } from "../action";
import { AppError } from "../errors";
import { lockJob } from "../approvals/vote";
import { decisionRequest, registerCredential, registrationOptions } from "./index";

/** The actor's own passkeys: a platform-wide resource each actor holds for themselves. */
const OWN = async () => ({ tenantId: null });

async function userOf(tx: Parameters<typeof registrationOptions>[0], userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, name: true } });
  if (!user) throw new AppError("not_found", "Your account was not found.");
  return user;
}

export const passkeyRegistrationOptionsAction = defineAction({
  name: "passkey.register.options",
  input: z.object({}),
  permission: "passkey.manage",
  resource: OWN,
  run: async (tx, _input, actor) => registrationOptions(tx, await userOf(tx, actor.userId)),
});

const ZCeremony = z.object({ userId: z.string(), challenge: z.string(), expiresAt: z.string() });

export const registerPasskeyAction = defineAction({
  name: "passkey.register",
  input: z.object({
    name: z.string().trim().min(1, "Name the passkey (for example “work laptop” or “phone”)").max(80, "Keep the name under 80 characters"),
    ceremony: ZCeremony,
    seal: z.string().min(1),
    response: z.record(z.string(), z.unknown()),
  }),
  permission: "passkey.manage",
  resource: OWN,
  run: async (tx, input, actor) => registerCredential(tx, actor.userId, input),
  receipt: (_input, result, actor) => ({
    scope: { type: "user", id: actor.userId },
    request: { name: result.name },
    result: { credentialId: result.id },
    summary: { passkey: result.name, credentialId: result.id },
  }),
  revalidate: ["/security"],
});

export const removePasskeyAction = defineAction({
  name: "passkey.remove",
  input: z.object({ credentialId: z.string().min(1).max(1024) }),
  permission: "passkey.manage",
  // Only one's own: another user's credential is "not found".
  resource: async (input, tx, actor) => {
    const row = await tx.passkeyCredential.findFirst({ where: { id: input.credentialId, userId: actor.userId, removedAt: null }, select: { id: true, name: true } });
    return row ? { tenantId: null, ...row } : null;
  },
  run: async (tx, _input, _actor, credential) => {
    await tx.passkeyCredential.update({ where: { id: credential.id }, data: { removedAt: new Date() } });
    return { id: credential.id, name: credential.name };
  },
  receipt: (_input, result, actor) => ({
    scope: { type: "user", id: actor.userId },
    request: { credentialId: result.id },
    result: { removed: true },
    summary: { passkey: result.name, credentialId: result.id },
  }),
  revalidate: ["/security"],
});

/** What to sign for a vote: the statement (sealed) and the WebAuthn request over its hash. */
export const voteChallengeAction = defineAction({
  name: "job.vote.challenge",
  input: z.object({ jobId: z.string().trim().min(1).max(200), vote: z.enum(["approve", "deny"]) }),
  permission: "job.approve",
  resource: async (input, tx, actor) => lockJob(tx, actor, input.jobId),
  run: async (tx, input, actor, job) => decisionRequest(tx, actor.userId, job, input.vote),
});
