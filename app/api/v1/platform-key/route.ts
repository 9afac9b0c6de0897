import { getPlatformKey } from "@/lib/server/platform-key";

export const dynamic = "force-dynamic";

/** Public: the key hosts pin to verify directives. */
export async function GET() {
  const key = await getPlatformKey();
  return Response.json(
    { keyId: key.keyId, alg: "ed25519", publicKey: key.publicKeyBase64 },
    { headers: { "Cache-Control": "no-store" } },
  );
}
