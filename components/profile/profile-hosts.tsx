import { ScrollArea } from "@/components/ui/scroll-area";
import type { ProfileDetail } from "@/lib/server/profiles";
import type { ActionResult } from "@/lib/server/action";
import { formatTime } from "@/components/ui/format";
import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { RevokeKeyForm } from "./revoke-key-form";

type RevokeAction = (prev: unknown, formData: FormData) => Promise<ActionResult<{ keyId: string }>>;

/** Hosts bound to the profile and their keys. `revoke` is passed only to actors who may revoke. */
export function ProfileHosts({ profile, revoke }: { profile: ProfileDetail; revoke?: RevokeAction }) {
  return (
    <Section id="hosts" title="Hosts and keys" description="Ed25519 public keys registered for the hosts that run this profile.">
      {profile.hosts.length === 0 ? (
        <p className="text-sm text-slate-600">No host is bound to this profile.</p>
      ) : (
        <div className="space-y-4">
          {profile.hosts.map((host) => (
            <div key={host.id}>
              <h3 className="font-mono text-sm font-medium text-slate-900">{host.id}</h3>
              {host.keys.length === 0 ? (
                <p className="text-sm text-slate-500">No keys registered.</p>
              ) : (
                <ScrollArea label="Host keys table" className="mt-1 overflow-x-auto">
                  <table className="w-full text-left text-sm">
                    <thead className="text-xs uppercase tracking-wide text-slate-500">
                      <tr>
                        <th scope="col" className="py-1.5 pr-3 font-medium">Key id</th>
                        <th scope="col" className="py-1.5 pr-3 font-medium">Status</th>
                        <th scope="col" className="py-1.5 pr-3 font-medium">Created</th>
                        <th scope="col" className="py-1.5 pr-3 font-medium">Revoked</th>
                        {revoke ? <th scope="col" className="py-1.5 font-medium"><span className="sr-only">Actions</span></th> : null}
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {host.keys.map((key) => (
                        <tr key={key.id} className="align-top">
                          <td className="whitespace-nowrap py-1.5 pr-3 font-mono text-xs">{key.id}</td>
                          <td className="py-1.5 pr-3">
                            <Badge tone={key.status === "active" ? "green" : "slate"}>{key.status}</Badge>
                          </td>
                          <td className="whitespace-nowrap py-1.5 pr-3 text-xs text-slate-600">{formatTime(key.createdAt)}</td>
                          <td className="py-1.5 pr-3 text-xs text-slate-600">
                            {key.revokedAt ? (
                              <>
                                {formatTime(key.revokedAt)}
                                {key.revokedReason ? <span className="block text-slate-500">“{key.revokedReason}”</span> : null}
                              </>
                            ) : (
                              "—"
                            )}
                          </td>
                          {revoke ? (
                            <td className="py-1.5 text-right">
                              {/* Rendered for revoked keys too, so the receipt stays visible after the page refreshes. */}
                              <RevokeKeyForm profileSlug={profile.slug} keyId={key.id} active={key.status === "active"} action={revoke} />
                            </td>
                          ) : null}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </ScrollArea>
              )}
            </div>
          ))}
        </div>
      )}
    </Section>
  );
}
