"use client";
import Link from "next/link";
import { useState } from "react";
import { AUTO_RELEASE_MAX_MINUTES } from "@/lib/schemas/killswitches";
import { KILL_SWITCH_SCOPES, TARGET_MAX, type KillSwitchScope } from "@/lib/domain/killswitch";
import { fieldsForScope, type PickerProfile } from "@/lib/domain/killswitch/profile-search";
import { Field } from "@/components/ui/field";
import { ProfilePicker } from "./profile-picker";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";

export type EngageField = "scope" | "tenant" | "profile" | "capability" | "autoReleaseMinutes";
export type EngageValues = Record<EngageField, string>;

const SCOPE_LABELS: Record<KillSwitchScope, string> = {
  global: "Global — everything, every tenant",
  tenant: "Tenant — every profile of one tenant",
  profile: "Profile — one profile",
  capability: "Capability — one capability in a tenant or profile",
};

function describedBy(id: string, hint: boolean, error?: string): string | undefined {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
}

/** A free-text field with suggestions (a datalist), ids `ks-<name>` and `ks-<name>-options`. */
function SuggestField({
  name,
  label,
  hint,
  placeholder,
  value,
  error,
  options,
}: {
  name: string;
  label: string;
  hint: string;
  placeholder: string;
  value: string;
  error: string | undefined;
  options: { value: string; label?: string }[];
}) {
  const id = `ks-${name}`;
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        name={name}
        defaultValue={value}
        list={`${id}-options`}
        placeholder={placeholder}
        maxLength={TARGET_MAX}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, true, error)}
        className={control}
      />
      <datalist id={`${id}-options`}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </datalist>
    </Field>
  );
}

/**
 * Step one of engaging: a plain GET form whose only effect is to show the
 * plan (`/kill-switches?preview=1&…`). Nothing changes until the plan is
 * confirmed with a reason. Only the fields the chosen scope needs are shown
 * (and submitted); the profile is picked from the profiles the admin may act on.
 */
export function EngageForm({
  values,
  errors,
  tenants,
  allowGlobal,
  profiles,
  profilesTruncated,
  capabilities,
}: {
  values: EngageValues;
  errors: Partial<Record<EngageField, string>>;
  /** Tenants where the actor may engage scoped switches. */
  tenants: { slug: string; name: string }[];
  allowGlobal: boolean;
  /** The profiles the actor may engage a switch on (lib/server/killswitches killSwitchProfileOptions). */
  profiles: PickerProfile[];
  /** The profile list was cut at its limit. */
  profilesTruncated: boolean;
  /** Capabilities offered: the catalog, the profiles' tools, the topics of the policies in force. */
  capabilities: { id: string; label: string }[];
}) {
  const scopes = (Object.keys(SCOPE_LABELS) as KillSwitchScope[]).filter((s) => s !== "global" || allowGlobal);
  const err = (field: EngageField) => errors[field];
  const initial = (KILL_SWITCH_SCOPES as readonly string[]).includes(values.scope) ? (values.scope as KillSwitchScope) : "profile";
  const [scope, setScope] = useState<KillSwitchScope>(scopes.includes(initial) ? initial : "profile");
  const [tenant, setTenant] = useState(values.tenant || (tenants.length === 1 ? tenants[0]!.slug : ""));
  const shown = fieldsForScope(scope);
  return (
    <form method="get" action="/kill-switches" aria-label="Choose what to stop" className="space-y-3">
      <input type="hidden" name="preview" value="1" />
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-5">
        <Field id="ks-scope" label="Scope" error={err("scope")}>
          <select
            id="ks-scope"
            name="scope"
            value={scope}
            onChange={(e) => setScope(e.target.value as KillSwitchScope)}
            aria-invalid={err("scope") ? true : undefined}
            aria-describedby={describedBy("ks-scope", false, err("scope"))}
            className={control}
          >
            {scopes.map((s) => (
              <option key={s} value={s}>
                {SCOPE_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        {shown.includes("tenant") ? (
          <Field
            id="ks-tenant"
            label="Tenant"
            hint={scope === "capability" ? "The tenant the capability is stopped in (or pick a profile)." : "Every profile of this tenant stops."}
            error={err("tenant")}
          >
            <select
              id="ks-tenant"
              name="tenant"
              value={tenant}
              onChange={(e) => setTenant(e.target.value)}
              aria-invalid={err("tenant") ? true : undefined}
              aria-describedby={describedBy("ks-tenant", true, err("tenant"))}
              className={control}
            >
              <option value="">—</option>
              {tenants.map((t) => (
                <option key={t.slug} value={t.slug}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        {shown.includes("profile") ? (
          <ProfilePicker
            key={scope}
            options={profiles}
            defaultValue={values.profile}
            tenant={scope === "capability" ? tenant : undefined}
            truncated={profilesTruncated}
            required={scope === "profile"}
            hint={scope === "capability" ? "Optional: narrow the capability to one profile." : "Type to search; only profiles you may stop are listed."}
            error={err("profile")}
          />
        ) : null}
        {shown.includes("capability") ? (
          <SuggestField
            name="capability"
            label="Capability"
            hint="A catalog id, tool:<name> for one tool, or topic:<glob> for a topic the policy names."
            placeholder="write-tools"
            value={values.capability}
            error={err("capability")}
            options={capabilities.map((c) => ({ value: c.id, label: c.label }))}
          />
        ) : null}
        <Field
          id="ks-auto"
          label="Release automatically after (minutes)"
          hint={`Optional break-glass, at most ${AUTO_RELEASE_MAX_MINUTES} (7 days).`}
          error={err("autoReleaseMinutes")}
        >
          <input
            id="ks-auto"
            name="autoReleaseMinutes"
            type="number"
            inputMode="numeric"
            min={1}
            max={AUTO_RELEASE_MAX_MINUTES}
            defaultValue={values.autoReleaseMinutes}
            aria-invalid={err("autoReleaseMinutes") ? true : undefined}
            aria-describedby={describedBy("ks-auto", true, err("autoReleaseMinutes"))}
            className={control}
          />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" className="rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
          Preview plan
        </button>
        <Link href="/kill-switches" className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50">
          Clear
        </Link>
        <p className="text-xs text-slate-500">Previewing changes nothing; you confirm with a reason on the next step.</p>
      </div>
    </form>
  );
}
