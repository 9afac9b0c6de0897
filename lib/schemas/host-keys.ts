import { z } from "zod";

export const ZRevokeHostKeyInput = z.object({
  profileSlug: z.string().trim().min(1, "Profile is required").max(200),
  keyId: z.string().trim().min(1, "Key is required").max(200),
  reason: z
    .string()
    .trim()
    .min(3, "Give a reason of at least 3 characters")
    .max(500, "Keep the reason under 500 characters"),
});
export type RevokeHostKeyInput = z.infer<typeof ZRevokeHostKeyInput>;
