import { latestCheckpointAction, latestCheckpointNoteAction } from "@/lib/server/checkpoints/actions";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

const asJson = defineRoute({ auth: "token", from: "query", action: latestCheckpointAction.definition });

/** The C2SP signed note (text/plain), as transparency-log tooling and `cellgate witness` read it. */
const asNote = defineRoute({
  auth: "token",
  from: "query",
  action: latestCheckpointNoteAction.definition,
  respond: (result) =>
    new Response(result.data.note, { headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } }),
});

/**
 * The latest signed checkpoint: as JSON (`cellgate audit export-checkpoint`),
 * or, with `Accept: text/plain`, as a C2SP signed note carrying every
 * witness cosignature stored for it.
 */
export async function GET(request: Request): Promise<Response> {
  const accept = request.headers.get("accept") ?? "";
  return /\btext\/plain\b/i.test(accept) ? asNote(request) : asJson(request);
}
