import { hostRoute } from "@/lib/server/host-auth";
import { handleIngest, INGEST_MAX_BODY_BYTES } from "@/lib/server/ingest";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Signed batches of host events (DESIGN.md "Ingest"); the logic is in lib/server/ingest.ts. */
export const POST = hostRoute({ name: "ingest", maxBodyBytes: INGEST_MAX_BODY_BYTES }, handleIngest);
