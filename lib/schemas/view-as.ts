import { z } from "zod";
import { ROLES } from "@/lib/authz";

export const ZStartViewAsInput = z.object({
  tenant: z.string().trim().min(1, "Choose a tenant").max(63),
  role: z.enum(ROLES, { error: "Choose a role" }),
});
export type StartViewAsInput = z.infer<typeof ZStartViewAsInput>;

export const ZStopViewAsInput = z.object({});
export type StopViewAsInput = z.infer<typeof ZStopViewAsInput>;
