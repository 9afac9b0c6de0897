import { z } from "zod";
import { ROLES, TOKEN_PERMISSIONS, type Permission } from "@/lib/authz/permissions";

/** A token lives at most a year; the form offers shorter lifetimes first. */
export const TOKEN_MAX_DAYS = 365;
export const TOKEN_DAY_CHOICES = [7, 30, 90, 365] as const;
export const TOKEN_NAME_MAX = 80;
export const PLATFORM_SCOPE = "platform";

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
/** A form post sends one checkbox value as a string and several as an array. */
const toArray = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const permissions = z.preprocess(
  toArray,
  z
    .array(z.enum(TOKEN_PERMISSIONS as [Permission, ...Permission[]], { error: "Not a permission a token can carry" }))
    .min(1, "Choose at least one permission")
    .transform((list) => [...new Set(list)].sort()),
);

const tokenFields = {
  name: z.string({ error: "Name the token" }).trim().min(1, "Name the token").max(TOKEN_NAME_MAX, `Keep the name under ${TOKEN_NAME_MAX} characters`),
  /** "platform" or a tenant slug. */
  scope: z.string({ error: "Choose a scope" }).trim().min(1, "Choose a scope").max(100),
  expiresInDays: z.coerce
    .number({ error: "Choose when it expires" })
    .int("Whole days only")
    .min(1, "At least one day")
    .max(TOKEN_MAX_DAYS, `At most ${TOKEN_MAX_DAYS} days (one year)`),
  permissions,
};

export const ZCreateTokenInput = z.object(tokenFields);
export type CreateTokenInput = z.infer<typeof ZCreateTokenInput>;

export const ZCreateServiceTokenInput = z.object({ ...tokenFields, serviceAccount: z.string().uuid("Choose a service account") });
export type CreateServiceTokenInput = z.infer<typeof ZCreateServiceTokenInput>;

export const ZRevokeTokenInput = z.object({ id: z.string().regex(/^tok_[a-z2-7]{10}$/, "Not a token id") });
export type RevokeTokenInput = z.infer<typeof ZRevokeTokenInput>;

export const SERVICE_SLUG = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;

/** What a service account may do: be a platform admin, or hold one role in one tenant. */
export const ZServiceGrant = z.union([
  z.literal("platform_admin"),
  z.string().regex(new RegExp(`^[a-z0-9][a-z0-9-]*:(${ROLES.join("|")})$`), "Choose a role"),
]);

export const ZCreateServiceAccountInput = z.object({
  slug: z.string({ error: "Name the service account" }).trim().regex(SERVICE_SLUG, "Lower-case letters, digits and dashes, 3–40 characters"),
  description: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
  grant: ZServiceGrant,
});
export type CreateServiceAccountInput = z.infer<typeof ZCreateServiceAccountInput>;

/** Service accounts sign in nowhere; their identity is this pseudo address. */
export function serviceAccountEmail(slug: string): string {
  return `service:${slug}`;
}
