import type { Metadata } from "next";
import { CreateTokenForm } from "@/components/tokens/create-token-form";
import { RevokeTokenButton } from "@/components/tokens/revoke-token-button";
import { ServiceAccountForm } from "@/components/tokens/service-account-form";
import { TokenTable } from "@/components/tokens/token-table";
import { EmptyState, Notice, PageHeader, Section } from "@/components/ui/section";
import { requireActor } from "@/lib/server/session";
import { loadTokensPage } from "@/lib/server/tokens/page";
import { createServiceAccountAction, createServiceTokenAction, createTokenAction, revokeTokenAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const actor = await requireActor();
  const page = await loadTokensPage(actor);
  const revoke = (t: { id: string; name: string }) => <RevokeTokenButton id={t.id} name={t.name} action={revokeTokenAction} />;
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Personal tokens for the command-line tool (npx cellgate login --url …). A token is shown once, stored only as a hash, and never does more than its owner may at the time of each request."
      />
      {page.readOnly ? <Notice title="Viewing as another role">Tokens are yours, not the role's: stop viewing as to create or revoke them.</Notice> : null}
      <div className="space-y-5">
        <Section id="new-token" title="New token" description="Expiry is required (at most a year). Writes made with the token name you and the token in their receipts.">
          <CreateTokenForm action={createTokenAction} scopes={page.scopes} />
        </Section>
        <Section id="your-tokens" title="Your tokens">
          {page.own.length === 0 ? (
            <EmptyState title="No tokens yet" />
          ) : (
            <TokenTable tokens={page.own} action={revoke} caption="Your API tokens" />
          )}
        </Section>
        {page.service ? (
          <Section
            id="service-accounts"
            title="Service accounts"
            description="For automation such as a CI pipeline applying the registry manifest from git: an account that never signs in and acts only through its tokens."
          >
            <ServiceAccountForm action={createServiceAccountAction} tenants={page.service.tenants} />
            {page.service.accounts.map((account) => (
              <div key={account.id} className="mt-5 border-t border-slate-100 pt-4">
                <h3 className="text-sm font-semibold text-slate-900">
                  {account.email} <span className="font-normal text-slate-600">— {account.grant}</span>
                </h3>
                <div className="mt-2">
                  <CreateTokenForm
                    action={createServiceTokenAction}
                    scopes={account.scopes}
                    serviceAccount={{ id: account.id, email: account.email }}
                    submitLabel={`Create token for ${account.email}`}
                  />
                </div>
                {account.tokens.length ? (
                  <div className="mt-3">
                    <TokenTable tokens={account.tokens} action={revoke} caption={`Tokens of ${account.email}`} />
                  </div>
                ) : null}
              </div>
            ))}
          </Section>
        ) : null}
      </div>
    </>
  );
}
