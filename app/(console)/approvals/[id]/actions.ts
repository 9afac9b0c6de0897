"use server";
import { voteOnJobAction as voteOnJob } from "@/lib/server/approvals/vote";

export async function voteOnJobAction(prev: unknown, formData: FormData) {
  return voteOnJob(prev, formData);
}
