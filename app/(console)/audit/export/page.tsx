import { ScrollArea } from "@/components/ui/scroll-area";
import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ExportForm } from "@/components/packets/export-form";
import { PageHeader, Section } from "@/components/ui/section";
import { holdsAnywhere, scopeFor, withinScope } from "@/lib/authz";
import { db } from "@/lib/db";
import { defaultExportFields, exportPacketFields, parseExportPacket, type ExportPacketFields } from "@/lib/schemas/packets";
import { LOG_MISMATCH_MESSAGE, profileNotFoundMessage, tenantNotFoundMessage } from "@/lib/server/packets";
import { getPlatformKey } from "@/lib/server/platform-key";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Export evidence" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const PROFILE_SUGGESTIONS = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The message for an error code the download route sent back (never free text from the address). */
function errorMessage(code: string | undefined, fields: ExportPacketFields, requestId: string | undefined): string | null {
  switch (code) {
    case "invalid":
    case "range": {
      const parsed = parseExportPacket({ ...fields });
      return parsed.ok ? "The time range is empty: From must be before To." : parsed.message;
    }
    case "tenant":
      return tenantNotFoundMessage(fields.tenant);
    case "profile":
      return profileNotFoundMessage(fields.profile, fields.tenant);
    case "log":
      return LOG_MISMATCH_MESSAGE;
    case "internal":
      return `Something went wrong and no packet was made.${requestId && UUID.test(requestId) ? ` Quote request id ${requestId} if it keeps happening.` : ""}`;
    default:
      return null;
  }
}

export default async function ExportPage({ searchParams }: Props) {
  const actor = await requireActor();
  // Auditors (their tenants) and platform admins; everyone else gets the same 404 as a missing page.
  if (!holdsAnywhere(actor, "packet.export")) notFound();
  const raw = await searchParams;
  const tenants = withinScope(scopeFor(actor, "packet.export"), actor.tenants);

  const given = exportPacketFields(raw);
  const fields = given.tenant || given.from || given.to || given.profile ? given : defaultExportFields(new Date(), tenants.length === 1 ? tenants[0]!.slug : "");
  const code = typeof raw.error === "string" ? raw.error : undefined;
  const error = errorMessage(code, fields, typeof raw.request === "string" ? raw.request : undefined);
  const parsed = code === "invalid" ? parseExportPacket({ ...fields }) : null;
  const fieldErrors = parsed && !parsed.ok ? parsed.fieldErrors : {};

  const [profiles, key] = await Promise.all([
    (await db()).profile.findMany({
      where: { tenantId: { in: tenants.map((t) => t.id) } },
      select: { slug: true },
      orderBy: { slug: "asc" },
      take: PROFILE_SUGGESTIONS,
    }),
    getPlatformKey().catch(() => null),
  ]);

  return (
    <>
      <PageHeader
        title="Export evidence"
        description="One file holding a tenant's (or one profile's) audit entries over a time range, with Merkle proofs against a signed checkpoint, the decisions, approvals, kill switches, policies and registry — verifiable offline."
      >
        <Link href="/audit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50">
          Back to the audit log
        </Link>
      </PageHeader>
      <ExportForm fields={fields} tenants={tenants} profiles={profiles.map((p) => p.slug)} error={error} fieldErrors={fieldErrors} />
      <div className="mt-5">
        <Section id="pk-verify" title="Verify a packet" description="Without the console: the file and the platform public key are all it takes.">
          <ScrollArea as="pre" label="Verify command" className="overflow-x-auto rounded-md bg-slate-900 px-3 py-2 text-xs text-slate-100">
            <code>{`npx cellgate packet verify cellgate-evidence-….tar --public-key ${key?.publicKeyBase64 ?? "<platform public key>"}`}</code>
          </ScrollArea>
          <p className="mt-2 text-xs text-slate-600">
            {key ? (
              <>
                Platform key <span className="font-mono">{key.keyId}</span>.{" "}
              </>
            ) : (
              "The platform key cannot be loaded right now, so exports will fail until it can. "
            )}
            Pin the key from a copy you trust (not only this page). The format is documented in{" "}
            <span className="font-mono">docs/evidence-packet.md</span>.
          </p>
        </Section>
      </div>
    </>
  );
}
