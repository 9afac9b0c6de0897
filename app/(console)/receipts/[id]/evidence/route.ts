import { loadReceipt } from "@/lib/server/receipt-load";
import { problemResponse, problemType } from "@/lib/server/problem";
import { getActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";

/** The data the receipt page shows, as the browser's Verify checks it (lib/domain/receipt-verify). Scoped like the page. */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const actor = await getActor();
  if (!actor) return problemResponse(401, { type: problemType("unauthenticated"), title: "Not signed in", detail: "Sign in to read receipts." });
  const page = await loadReceipt(actor, (await context.params).id);
  if (!page) return problemResponse(404, { type: problemType("not-found"), title: "Not found", detail: "Not found, or you do not have access to it." });
  return Response.json(page.evidence, { headers: { "Cache-Control": "no-store" } });
}
