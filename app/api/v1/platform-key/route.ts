import { getPlatformKey } from "@/lib/server/platform-key";
import { logOrigin, logVerifierKey } from "@/lib/server/checkpoints/witness";

export const dynamic = "force-dynamic";

/**
 * Public: the key hosts pin to verify directives, and the audit log's origin
 * and verifier key (C2SP vkey) that witnesses pin to check its checkpoints.
 */
export async function GET() {
  const key = await getPlatformKey();
  return Response.json(
    { keyId: key.keyId, alg: "ed25519", publicKey: key.publicKeyBase64, logOrigin: logOrigin(), logKey: logVerifierKey(key) },
    { headers: { "Cache-Control": "no-store" } },
  );
}
