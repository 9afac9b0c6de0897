"use server";
import { startViewAsAction, stopViewAsAction } from "@/lib/server/view-as";

export async function startViewAs(prev: unknown, formData: FormData) {
  return startViewAsAction(prev, formData);
}

export async function stopViewAs(prev: unknown, formData: FormData) {
  return stopViewAsAction(prev, formData);
}
