"use server";
import { requestPromotionAction as requestPromotion, rollbackAction as rollback } from "@/lib/server/canary/actions";
import { revokeHostKeyAction as revokeHostKey } from "@/lib/server/profiles";

export async function revokeHostKeyAction(prev: unknown, formData: FormData) {
  return revokeHostKey(prev, formData);
}

export async function requestPromotionAction(prev: unknown, formData: FormData) {
  return requestPromotion(prev, formData);
}

export async function rollbackAction(prev: unknown, formData: FormData) {
  return rollback(prev, formData);
}
