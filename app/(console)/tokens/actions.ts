"use server";
import {
  createServiceAccountAction as createServiceAccount,
  createServiceTokenAction as createServiceToken,
  createTokenAction as createToken,
  revokeTokenAction as revokeToken,
} from "@/lib/server/tokens/actions";

export async function createTokenAction(prev: unknown, formData: FormData) {
  return createToken(prev, formData);
}

export async function createServiceTokenAction(prev: unknown, formData: FormData) {
  return createServiceToken(prev, formData);
}

export async function revokeTokenAction(prev: unknown, formData: FormData) {
  return revokeToken(prev, formData);
}

export async function createServiceAccountAction(prev: unknown, formData: FormData) {
  return createServiceAccount(prev, formData);
}
