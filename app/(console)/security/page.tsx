import type { Metadata } from "next";
import { PasskeyList, RegisterPasskey } from "@/components/security/passkeys";
import { EmptyState, Notice, PageHeader, Section } from "@/components/ui/section";
import { can } from "@/lib/authz";
import { db } from "@/lib/db";
import { relyingParty } from "@/lib/server/passkeys";
import { requireActor } from "@/lib/server/session";
import { passkeyOptionsAction, registerPasskey, removePasskey } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Security" };

export default async function SecurityPage() {
  const actor = await requireActor();
  const allowed = can(actor, "passkey.manage", { tenantId: null });
  const prisma = await db();
  const passkeys = await prisma.passkeyCredential.findMany({
    where: { userId: actor.userId, removedAt: null },
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true },
  });
  const rp = relyingParty();
  return (
    <>
      <PageHeader
        title="Security"
        description={`Passkeys sign your decisions: a vote on a job of the passkey tier, a promotion approval. The signature covers the exact job hash you approve, so anyone can check it offline in an evidence packet. They work on ${rp.origin}.`}
      />
      {!allowed ? (
        <Notice title="Passkeys are for approvers and admins">Your roles do not decide anything that is signed with a passkey.</Notice>
      ) : (
        <div className="space-y-5">
          <Section id="passkeys" title="Your passkeys">
            {passkeys.length === 0 ? (
              <EmptyState title="No passkey yet">Add one below to vote on jobs that need it.</EmptyState>
            ) : (
              <PasskeyList passkeys={passkeys.map((p) => ({ ...p, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null }))} remove={removePasskey} />
            )}
          </Section>
          <Section id="add-passkey" title="Add a passkey" description="Your browser asks your device (fingerprint, face, PIN or security key). Adding and removing passkeys is recorded in the audit log.">
            <RegisterPasskey start={passkeyOptionsAction} finish={registerPasskey} />
          </Section>
        </div>
      )}
    </>
  );
}
