import Link from "next/link";
import type { Metadata } from "next";
import { SimulateForm } from "@/components/policies/simulate-form";
import { SimulationResult } from "@/components/policies/simulation-result";
import { PageHeader } from "@/components/ui/section";
import { parseSimulateQuery, type RawSearchParams } from "@/lib/schemas/policies";
import { listSimulatorProfiles, simulatePolicy, type SimulateResult } from "@/lib/server/policies/simulate";
import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Policy simulator" };

type Field = "profile" | "topic" | "riskTags" | "labels";

export default async function SimulatePage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const actor = await requireActor();
  const { values, result } = parseSimulateQuery(await searchParams);
  const errors: Partial<Record<Field, string>> = {};
  let outcome: SimulateResult | null = null;
  if (result && !result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0] as Field;
      errors[field] ??= issue.message;
    }
  } else if (result?.success) {
    outcome = await simulatePolicy(actor, result.data);
    if (!outcome.ok) errors[outcome.field] = outcome.message;
  }
  const profiles = await listSimulatorProfiles(actor);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/policies" className="hover:text-slate-900 hover:underline">
          Policies
        </Link>{" "}
        / <span aria-current="page">Simulator</span>
      </nav>
      <PageHeader title="Policy simulator" description="Ask what the policy in force would decide for a job on one of your profiles. Nothing is stored." />
      <SimulateForm values={values} errors={errors} profiles={profiles} />
      {Object.keys(errors).length > 0 ? (
        <p role="alert" className="mt-3 text-sm text-rose-700">
          {Object.values(errors).join(" ")}
        </p>
      ) : null}
      {outcome?.ok ? (
        <div className="mt-4">
          <SimulationResult simulation={outcome.simulation} />
        </div>
      ) : null}
    </>
  );
}
