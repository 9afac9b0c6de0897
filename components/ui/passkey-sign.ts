"use client";
/**
 * Sign a decision with the user's passkey: ask the console for the statement
 * (sealed) and its WebAuthn request, let the browser's authenticator sign it,
 * and hand back the proof to send with the decision (a JSON form field).
 */
import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { startTransition, useState, type FormEvent } from "react";
import type { ActionResult } from "@/lib/server/action";

export type SigningRequest = ActionResult<{ statement: unknown; seal: string; options: PublicKeyCredentialRequestOptionsJSON }>;

export async function signWithPasskey(request: () => Promise<SigningRequest>): Promise<{ ok: true; proof: string } | { ok: false; message: string }> {
  const asked = await request();
  if (!asked.ok) return { ok: false, message: asked.error.message };
  try {
    const response = await startAuthentication({ optionsJSON: asked.data.options });
    return { ok: true, proof: JSON.stringify({ statement: asked.data.statement, seal: asked.data.seal, response }) };
  } catch (error) {
    return { ok: false, message: `Your passkey did not sign (${(error as Error).message}). Nothing was recorded; try again.` };
  }
}

/**
 * A form's submit handler that first signs with the passkey (`sign` asks the
 * console for the statement, given the form's data) and then runs the form's
 * action with the proof in its `passkey` field. Without `sign`, no handler:
 * the form posts as usual.
 */
export function usePasskeySubmit(formAction: (formData: FormData) => void, sign: ((formData: FormData) => Promise<SigningRequest>) | undefined) {
  const [signing, setSigning] = useState(false);
  const [signError, setSignError] = useState<string | null>(null);
  const onSubmit = sign
    ? async (event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        const formData = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter as HTMLElement | null);
        setSignError(null);
        setSigning(true);
        try {
          const signed = await signWithPasskey(() => sign(formData));
          if (!signed.ok) {
            setSignError(signed.message);
            return;
          }
          formData.set("passkey", signed.proof);
          startTransition(() => formAction(formData));
        } finally {
          setSigning(false);
        }
      }
    : undefined;
  return { onSubmit, signing, signError };
}
