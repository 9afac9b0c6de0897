"use server";
import { voteOnJobAction as voteOnJob } from "@/lib/server/approvals/vote";
import { voteChallengeAction as voteChallenge } from "@/lib/server/passkeys/actions";

export async function voteOnJobAction(prev: unknown, formData: FormData) {
  return voteOnJob(prev, formData);
}

/** The statement a passkey-signed vote signs, and the WebAuthn request over its hash. */
export async function voteChallengeAction(input: { jobId: string; vote: "approve" | "deny" }) {
  return voteChallenge(input);
}
