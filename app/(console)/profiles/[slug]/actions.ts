"use server";
import { revokeHostKeyAction as revokeHostKey } from "@/lib/server/profiles";

export async function revokeHostKeyAction(prev: unknown, formData: FormData) {
  return revokeHostKey(prev, formData);
}
