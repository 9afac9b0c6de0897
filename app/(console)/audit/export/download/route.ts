import { exportFormQuery, exportPacketFields } from "@/lib/schemas/packets";
import { exportPacketAction, refusalOf } from "@/lib/server/packets";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/**
 * POST /audit/export/download (the /audit/export form): the evidence packet
 * as an attachment, or a 303 back to the form naming what was wrong (the
 * page words the message from the code; no free text in the address).
 */
export const POST = defineRoute({
  auth: "session",
  from: "form",
  action: exportPacketAction.definition,
  respond: ({ data: packet, receipt }) =>
    new Response(Buffer.from(packet.bytes), {
      status: 200,
      headers: {
        "Content-Type": "application/x-tar",
        "Content-Length": String(packet.bytes.length),
        "Content-Disposition": `attachment; filename="${packet.fileName}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Cellgate-Receipt": receipt?.id ?? "",
        "X-Cellgate-Packet-Sha256": packet.sha256,
      },
    }),
  refuse: (error, _request, input) => {
    if (error.code === "unauthenticated") return redirect("/signin?callbackUrl=%2Faudit%2Fexport");
    const fields = exportPacketFields(input && typeof input === "object" ? (input as Record<string, unknown>) : {});
    const query = exportFormQuery(fields);
    const extra = new URLSearchParams({ error: refusalOf(error), ...(error.requestId ? { request: error.requestId } : {}) }).toString();
    return redirect(`/audit/export${query ? `${query}&` : "?"}${extra}`);
  },
});

function redirect(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}
