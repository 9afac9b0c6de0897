import type { Metadata } from "next";
import { PasskeyList, RegisterPasskey } from "@/components/security/passkeys";
import { EmptyState, Notice, PageHeader, Section } from "@/components/ui/section";
import { loadSecurityPage } from "@/lib/server/passkeys/page";
import { requireActor } from "@/lib/server/session";
import { passkeyOptionsAction, registerPasskey, removePasskey } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Security" };

export default async function SecurityPage() {
  const { allowed, origin, passkeys } = await loadSecurityPage(await requireActor());
  return (
    <>
      <PageHeader
        title="Security"
        description={`Passkeys sign your decisions: a vote on a job of the passkey tier, a promotion approval. The signature covers the exact job hash you approve, so anyone can check it offline in an evidence packet. They work on ${origin}.`}
      />
      {!allowed ? (
        <Notice title="Passkeys are for approvers and admins">Your roles do not decide anything that is signed with a passkey.</Notice>
      ) : (
        <div className="space-y-5">
          <Section id="passkeys" title="Your passkeys">
            {passkeys.length === 0 ? (
              <EmptyState title="No passkey yet">Add one below to vote on jobs that need it.</EmptyState>
            ) : (
              <PasskeyList passkeys={passkeys} remove={removePasskey} />
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
