"use server";
import { passkeyRegistrationOptionsAction, registerPasskeyAction, removePasskeyAction } from "@/lib/server/passkeys/actions";

export async function passkeyOptionsAction() {
  return passkeyRegistrationOptionsAction({});
}

export async function registerPasskey(input: { name: string; ceremony: unknown; seal: string; response: unknown }) {
  return registerPasskeyAction(input);
}

export async function removePasskey(prev: unknown, formData: FormData) {
  return removePasskeyAction(prev, formData);
}
