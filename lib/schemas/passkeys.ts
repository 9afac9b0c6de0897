/**
 * A decision's passkey proof as the browser sends it back (a JSON form field
 * or an object): the sealed statement and the WebAuthn assertion over it.
 * Shape only; lib/server/passkeys checks what it means.
 */
import { z } from "zod";

const B64URL = z.string().regex(/^[A-Za-z0-9_-]+$/).max(16_384);
const TIME = z.string().max(40);
export const PASSKEY_MALFORMED = "The passkey answer is malformed; try again.";

const window = { actor: z.string().max(200), notBefore: TIME, notAfter: TIME, nonce: B64URL };

export const ZVoteStatement = z
  .object({ format: z.literal("cellgate.decision.v1"), action: z.enum(["job.approve", "job.deny"]), jobHash: z.string().max(200), jobId: z.string().max(200), ...window })
  .strict();

export const ZSwitchStatement = z
  .object({
    format: z.literal("cellgate.decision.v1"),
    action: z.enum(["killswitch.engage", "killswitch.release"]),
    switch: z.record(z.string().max(40), z.union([z.string().max(2000), z.number(), z.null()])),
    ...window,
  })
  .strict();

const ZAssertion = z.object({
  id: B64URL,
  rawId: B64URL,
  type: z.literal("public-key"),
  response: z.object({ authenticatorData: B64URL, clientDataJSON: B64URL, signature: B64URL, userHandle: B64URL.optional() }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(40).optional(),
});

/** The optional `passkey` field of a decision's input, for statements of `statement`'s shape. */
export function passkeyField<S extends z.ZodType>(statement: S) {
  const proof = z.object({ statement, seal: B64URL, response: ZAssertion }, { error: PASSKEY_MALFORMED });
  return z.preprocess((value) => {
    if (value === "" || value === undefined || value === null) return undefined;
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, proof.optional());
}
