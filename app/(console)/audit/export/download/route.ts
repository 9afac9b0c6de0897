import { randomUUID } from "node:crypto";
import { holdsAnywhere } from "@/lib/authz";
import { database } from "@/lib/db";
import { exportFormQuery, exportPacketFields, parseExportPacket } from "@/lib/schemas/packets";
import { exportPacket, PacketExportError } from "@/lib/server/packets";
import { problemResponse, problemType } from "@/lib/server/problem";
import { getActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";

/** Back to the form with its values and an error code (the page words the message; no free text in the address). */
function backToForm(fields: Parameters<typeof exportFormQuery>[0], error: string, requestId?: string): Response {
  const query = exportFormQuery(fields);
  const extra = new URLSearchParams({ error, ...(requestId ? { request: requestId } : {}) }).toString();
  return new Response(null, { status: 303, headers: { Location: `/audit/export${query ? `${query}&` : "?"}${extra}`, "Cache-Control": "no-store" } });
}

/** A form post from another site never exports (the session cookie is SameSite=Lax too). */
function crossSite(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return origin === "null";
  try {
    return new URL(origin).host !== (request.headers.get("x-forwarded-host") ?? request.headers.get("host"));
  } catch {
    return true;
  }
}

/**
 * POST /audit/export/download (the /audit/export form): the evidence packet as
 * an attachment, or a 303 back to the form naming what was wrong. Only
 * `packet.export` holders get anything but 404; the tenant check itself is
 * exportPacket's.
 */
export async function POST(request: Request) {
  const actor = await getActor();
  if (!actor) {
    return new Response(null, { status: 303, headers: { Location: "/signin?callbackUrl=%2Faudit%2Fexport" } });
  }
  if (!holdsAnywhere(actor, "packet.export")) {
    return problemResponse(404, { type: problemType("not-found"), title: "Not found", detail: "Not found, or you do not have access to it." });
  }
  if (crossSite(request)) {
    return problemResponse(403, { type: problemType("cross-site"), title: "Cross-site request refused", detail: "Export packets from the console's own form." });
  }
  let raw: Record<string, unknown> = {};
  try {
    raw = Object.fromEntries((await request.formData()).entries());
  } catch {
    return problemResponse(415, { type: problemType("unsupported-media-type"), title: "Not a form", detail: "Send the export form (application/x-www-form-urlencoded or multipart/form-data)." });
  }
  const fields = exportPacketFields(raw);
  const parsed = parseExportPacket(raw);
  if (!parsed.ok) return backToForm(fields, "invalid");

  const requestId = randomUUID();
  try {
    const packet = await exportPacket(await database(), actor, parsed.request, { traceId: requestId });
    return new Response(Buffer.from(packet.bytes), {
      status: 200,
      headers: {
        "Content-Type": "application/x-tar",
        "Content-Length": String(packet.bytes.length),
        "Content-Disposition": `attachment; filename="${packet.fileName}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Cellgate-Receipt": packet.receipt.id,
        "X-Cellgate-Packet-Sha256": packet.sha256,
      },
    });
  } catch (error) {
    if (error instanceof PacketExportError) return backToForm(fields, error.reason);
    console.error(`[packet.export] request ${requestId} failed:`, error);
    return backToForm(fields, "internal", requestId);
  }
}
