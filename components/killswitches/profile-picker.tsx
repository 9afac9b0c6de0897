"use client";
/**
 * A searchable picker of the profiles the admin may act on (a combobox over
 * a listbox). Only a listed profile is submitted; a typo shows "no profile
 * matches" before anything is sent. When the list was cut at its limit
 * (a very large registry) an exact slug typed by hand is submitted too, and
 * the server checks it like any other.
 */
import { useId, useMemo, useState } from "react";
import { searchProfiles, type PickerProfile } from "@/lib/domain/killswitch/profile-search";
import { TARGET_MAX } from "@/lib/domain/killswitch";

const control = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900";

export function ProfilePicker({
  options,
  defaultValue,
  tenant,
  truncated,
  hint,
  error,
  required,
}: {
  options: PickerProfile[];
  defaultValue: string;
  /** Offer only this tenant's profiles (capability scope with a tenant chosen). */
  tenant?: string;
  truncated: boolean;
  hint: string;
  error?: string;
  required: boolean;
}) {
  const id = "ks-profile";
  const listId = `${useId()}-profiles`;
  const [query, setQuery] = useState(defaultValue);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const matches = useMemo(() => searchProfiles(options, query, tenant || undefined), [options, query, tenant]);
  const exact = options.find((o) => o.slug === query.trim() && (!tenant || o.tenant === tenant));
  const submitted = exact ? exact.slug : truncated ? query.trim() : "";
  // Nothing left to pick once the query names the only match.
  const listed = open && matches.length > 0 && !(exact && matches.length === 1);
  const choose = (slug: string) => {
    setQuery(slug);
    setOpen(false);
  };
  const describedBy = [`${id}-hint`, error ? `${id}-error` : null, `${id}-status`].filter(Boolean).join(" ");
  return (
    <div className="relative">
      <label htmlFor={id} className="block text-xs font-medium text-slate-600">
        Profile
      </label>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        maxLength={TARGET_MAX}
        placeholder="Search profiles you may stop"
        aria-autocomplete="list"
        aria-expanded={listed}
        aria-controls={listId}
        aria-activedescendant={listed && matches[active] ? `${listId}-${active}` : undefined}
        aria-invalid={error || (query.trim() && !submitted) ? true : undefined}
        aria-describedby={describedBy}
        aria-required={required || undefined}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setOpen(true);
            setActive((i) => Math.min(i + 1, matches.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((i) => Math.max(i - 1, 0));
          } else if (e.key === "Enter" && open && matches[active] && !exact) {
            e.preventDefault();
            choose(matches[active]!.slug);
          } else if (e.key === "Escape") {
            setOpen(false);
          }
        }}
        className={control}
      />
      <input type="hidden" name="profile" value={submitted} />
      {listed ? (
        <ul
          id={listId}
          role="listbox"
          aria-label="Profiles you may stop"
          className="absolute z-20 mt-1 max-h-64 w-full min-w-64 overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg"
        >
          {matches.map((o, i) => (
            <li
              key={o.slug}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              // mousedown, not click: it runs before the input's blur closes the list
              onMouseDown={(e) => {
                e.preventDefault();
                choose(o.slug);
              }}
              className={`flex min-h-11 cursor-pointer items-center justify-between gap-2 px-2 ${i === active ? "bg-indigo-50" : ""}`}
            >
              <span className="break-all font-mono text-xs text-slate-900">{o.slug}</span>
              <span className="shrink-0 text-xs text-slate-600">
                {o.tenant} · {o.tier}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
        {hint}
      </p>
      <p id={`${id}-status`} role="status" className="mt-1 text-xs text-slate-600">
        {query.trim() === ""
          ? `${options.length}${truncated ? "+" : ""} profile${options.length === 1 ? "" : "s"} you may stop`
          : exact
            ? `Selected: ${exact.slug} (${exact.tenant})`
            : matches.length === 0
              ? truncated
                ? "Not in the first profiles listed; the exact slug will be checked when you preview."
                : `No profile you may stop matches “${query.trim()}”.`
              : `${matches.length} match${matches.length === 1 ? "" : "es"}: pick one from the list.`}
      </p>
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-rose-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}
