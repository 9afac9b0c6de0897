import "server-only";
/**
 * Votes signed by a software authenticator through the real actions:
 * register it (passkey.register, with its receipt), then sign each vote's
 * statement. The demo seed's approvers sign their promotion approvals this
 * way, and integration tests generate assertions with it.
 */
import { SoftwareAuthenticator } from "@/lib/domain/passkeys/software";
import type { ActionContext } from "../action";
import { passkeyRegistrationOptionsAction, registerPasskeyAction, voteChallengeAction } from "./actions";
import { relyingParty } from "./index";

export async function registerSoftwarePasskey(context: ActionContext, name: string, rp: { id: string; origin: string } = relyingParty()): Promise<SoftwareAuthenticator> {
  const authenticator = new SoftwareAuthenticator(rp);
  const started = await passkeyRegistrationOptionsAction.execute(context, {});
  if (!started.ok) throw new Error(`passkey registration could not start: ${started.error.message}`);
  const registered = await registerPasskeyAction.execute(context, {
    name,
    ceremony: started.data.ceremony,
    seal: started.data.seal,
    response: authenticator.register(started.data.options.challenge),
  });
  if (!registered.ok) throw new Error(`passkey registration failed: ${registered.error.message}`);
  return authenticator;
}

/** The `passkey` field of a vote: the console's statement for it, signed by `authenticator`. */
export async function signedVoteProof(context: ActionContext, authenticator: SoftwareAuthenticator, jobId: string, vote: "approve" | "deny") {
  const asked = await voteChallengeAction.execute(context, { jobId, vote });
  if (!asked.ok) throw new Error(`vote challenge refused: ${asked.error.message}`);
  return { statement: asked.data.statement, seal: asked.data.seal, response: authenticator.assert(asked.data.options.challenge) };
}
