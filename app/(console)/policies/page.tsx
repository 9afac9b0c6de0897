import Link from "next/link";
import type { Metadata } from "next";
import { PolicyList } from "@/components/policies/policy-list";
import { PageHeader } from "@/components/ui/section";
import { listPolicies } from "@/lib/server/policies/read";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Policies" };

export default async function PoliciesPage() {
  const actor = await requireActor();
  const rows = await listPolicies(actor);
  return (
    <>
      <PageHeader
        title="Policies"
        description="The version in force at each level you can see. A lower level may only restrict what a higher level allows; the most restrictive decision wins."
      >
        <Link href="/policies/simulate" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
          Simulator
        </Link>
      </PageHeader>
      <PolicyList rows={rows} />
      <p className="mt-3 text-xs text-slate-500">
        Policies change only through <code className="font-mono">npx cellgate policy apply FILE --apply</code>, which runs the document&apos;s
        tests, refuses widening rules and writes a receipt.
      </p>
    </>
  );
}
