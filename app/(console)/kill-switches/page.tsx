import type { Metadata } from "next";
import { ConfirmEngageForm } from "@/components/killswitches/confirm-engage-form";
import { EngageForm, type EngageField, type EngageValues } from "@/components/killswitches/engage-form";
import { PlanView } from "@/components/killswitches/plan-view";
import { HistoryTable, InForceTable } from "@/components/killswitches/switch-tables";
import { Notice, PageHeader, Section } from "@/components/ui/section";
import { db } from "@/lib/db";
import { describeSwitch, type KillSwitchScope } from "@/lib/domain/killswitch";
import { AUTO_RELEASE_MAX_MINUTES } from "@/lib/schemas/killswitches";
import { mayRun } from "@/lib/server/action";
import { isAppError } from "@/lib/server/errors";
import {
  capabilityOptions,
  engageKillSwitchAction as engageKillSwitch,
  HISTORY_LIMIT,
  killSwitchProfileOptions,
  listKillSwitches,
  planKillSwitch,
  releaseKillSwitchAction as releaseKillSwitch,
  type KillSwitchPlan,
} from "@/lib/server/killswitches";
import { requireActor, type SessionActor } from "@/lib/server/session";
import { engageChallenge, engageKillSwitchAction, releaseChallenge, releaseKillSwitchAction } from "./actions";
import { switchPasskeyRequirement } from "@/lib/server/passkeys";

/** The passkey prop of a switch form: the requirement's words and the challenge action, when one is needed. */
function signedWith<A>(required: string | null, sign: A): { required: string; sign: A } | undefined {
  return required ? { required, sign } : undefined;
}

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Kill switches" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const FIELDS: EngageField[] = ["scope", "tenant", "profile", "capability", "autoReleaseMinutes"];

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? "";
}

/** Where the actor may engage: tenants (scoped switches) and whether global is allowed. Same checks the action runs. */
function engageScope(actor: SessionActor) {
  return {
    tenants: actor.tenants.filter((t) => mayRun(engageKillSwitch, actor, { tenantId: t.id })),
    allowGlobal: mayRun(engageKillSwitch, actor, { tenantId: null }),
  };
}

type Preview =
  | { kind: "plan"; plan: KillSwitchPlan; description: string }
  | { kind: "invalid"; errors: Partial<Record<EngageField, string>>; message: string };

async function preview(actor: SessionActor, values: EngageValues): Promise<Preview> {
  const errors: Partial<Record<EngageField, string>> = {};
  const minutes = values.autoReleaseMinutes;
  if (minutes && !(/^\d+$/.test(minutes) && Number(minutes) >= 1 && Number(minutes) <= AUTO_RELEASE_MAX_MINUTES)) {
    errors.autoReleaseMinutes = `Automatic release must be a whole number of minutes from 1 to ${AUTO_RELEASE_MAX_MINUTES}`;
  }
  let plan: KillSwitchPlan;
  try {
    plan = await planKillSwitch(await db(), actor, values);
  } catch (error) {
    if (!isAppError(error)) throw error;
    for (const [field, messages] of Object.entries(error.fieldErrors ?? {})) {
      if ((FIELDS as string[]).includes(field)) errors[field as EngageField] ??= messages[0];
    }
    return { kind: "invalid", errors, message: error.message };
  }
  const tenantId = plan.target.scope === "global" ? null : (actor.tenants.find((t) => t.slug === plan.target.tenant)?.id ?? "");
  // The plan lists pending jobs: show it only to someone who may engage the switch.
  if (tenantId === "" || !mayRun(engageKillSwitch, actor, { tenantId })) {
    return {
      kind: "invalid",
      errors: {},
      message:
        plan.target.scope === "global"
          ? "Only a platform admin may engage the global kill switch."
          : `You may not engage kill switches in tenant ${plan.target.tenant ?? "?"}.`,
    };
  }
  if (errors.autoReleaseMinutes) return { kind: "invalid", errors, message: errors.autoReleaseMinutes };
  const description = describeSwitch({ ...plan.target, scope: plan.target.scope as KillSwitchScope });
  return { kind: "plan", plan, description };
}

export default async function KillSwitchesPage({ searchParams }: Props) {
  const actor = await requireActor();
  const raw = await searchParams;
  const values = Object.fromEntries(FIELDS.map((f) => [f, first(raw[f])])) as EngageValues;
  const { tenants, allowGlobal } = engageScope(actor);
  const mayEngage = allowGlobal || tenants.length > 0;
  const wantsPreview = first(raw.preview) === "1" && mayEngage;

  const now = new Date();
  const prisma = await db();
  const [list, outcome, profiles, capabilities] = await Promise.all([
    listKillSwitches(prisma, actor, now),
    wantsPreview ? preview(actor, values) : Promise.resolve(null),
    mayEngage ? killSwitchProfileOptions(prisma, actor) : Promise.resolve({ profiles: [], truncated: false }),
    mayEngage ? capabilityOptions(prisma, actor) : Promise.resolve([]),
  ]);
  const mayRelease = (sw: { tenant: { id: string } | null }) => mayRun(releaseKillSwitch, actor, { tenantId: sw.tenant?.id ?? null });

  return (
    <>
      <PageHeader
        title="Kill switches"
        description="Stop jobs at once — everything, one tenant, one profile, or one capability. Covered jobs are denied, pending ones cannot be approved, and hosts obey within one directive period."
      />
      {actor.viewAs ? (
        <Notice title="Read only while viewing as another role">Stop viewing as to engage or release switches.</Notice>
      ) : null}
      <div className="space-y-4">
        {outcome?.kind === "plan" ? (
          <Section id="plan" title="Plan" description="Check what the switch touches, then confirm with a reason.">
            <div className="space-y-4">
              <PlanView plan={outcome.plan} description={outcome.description} />
              <ConfirmEngageForm target={values} description={outcome.description} action={engageKillSwitchAction} passkey={signedWith(switchPasskeyRequirement(values.scope), engageChallenge)} />
            </div>
          </Section>
        ) : null}
        {outcome?.kind === "invalid" ? (
          <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800">
            {outcome.message}
          </p>
        ) : null}
        {mayEngage ? (
          <Section
            id="engage"
            title={outcome?.kind === "plan" ? "Change what to stop" : "Engage a kill switch"}
            description="Choose the scope and its target; the next step shows the plan."
          >
            <EngageForm
              values={values}
              errors={outcome?.kind === "invalid" ? outcome.errors : {}}
              tenants={tenants}
              allowGlobal={allowGlobal}
              profiles={profiles.profiles}
              profilesTruncated={profiles.truncated}
              capabilities={capabilities.map((c) => ({ id: c.id, label: c.label }))}
            />
          </Section>
        ) : null}
        <Section id="in-force" title={`In force (${list.inForce.length})`} description="Every switch in force that you may see, newest first.">
          <InForceTable
            switches={list.inForce}
            now={now}
            mayRelease={mayRelease}
            release={releaseKillSwitchAction}
            releasePasskey={(sw) => signedWith(switchPasskeyRequirement(sw.scope), releaseChallenge)}
          />
        </Section>
        <Section id="history" title="History" description="Released switches stay here with who released them and why; nothing is deleted.">
          <HistoryTable switches={list.history} now={now} limit={HISTORY_LIMIT} />
        </Section>
      </div>
    </>
  );
}
