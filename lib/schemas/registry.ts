import { z } from "zod";
import { parseManifest } from "@/lib/domain/registry/parse-manifest";

/** A registry manifest is YAML text; 4 MiB holds a 10,000-profile fleet with room to spare. */
export const MANIFEST_MAX_BYTES = 4 * 1024 * 1024;

const origin = z.string().trim().max(200).optional();
const file = z.string().trim().max(500).optional();

/** The manifest text, parsed: each error becomes an issue "LINE: path: message" on `manifest`. */
const manifest = z
  .string({ error: "manifest must be the YAML text of a registry manifest" })
  .max(MANIFEST_MAX_BYTES, "the manifest is larger than 4 MiB")
  .transform((text, ctx) => {
    const parsed = parseManifest(text);
    if (parsed.ok) return parsed.manifest;
    for (const e of parsed.errors) {
      ctx.addIssue({ code: "custom", path: [], message: `${e.line}: ${e.path ? `${e.path}: ` : ""}${e.message}` });
    }
    return z.NEVER;
  });

export const ZRegistrySyncInput = z.object({ manifest, file, origin });
export type RegistrySyncInput = z.infer<typeof ZRegistrySyncInput>;

const id = (what: string) => z.string({ error: `${what} is required` }).trim().min(1, `${what} is required`).max(200);

export const ZHostAddInput = z.object({
  hostId: id("host"),
  profiles: z.array(id("profile")).min(1, "give at least one profile"),
  keyId: id("key id"),
  publicKey: id("public key"),
  origin,
});
export const ZHostRotateInput = z.object({
  hostId: id("host"),
  keyId: id("key id"),
  publicKey: id("public key"),
  revokeOld: z.boolean().default(false),
  origin,
});
export const ZHostRevokeInput = z.object({ hostId: id("host"), keyId: id("key id"), reason: id("reason").pipe(z.string().max(500)), origin });
