import Link from "next/link";
import { Notice } from "@/components/ui/section";

export interface PolicyStatusProblem {
  /** "platform", "tenant acme", "profile acme-ticket-triage". */
  scope: string;
  message: string;
}

/**
 * The overview's fail-closed notice: shown when a policy version in force
 * cannot be loaded or parsed (or no platform policy exists), because jobs it
 * covers are then denied. The caller passes only the problems the reader may
 * see (platform ones and their own tenants').
 */
export function PolicyStatus({ problems }: { problems: PolicyStatusProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div data-testid="policy-status">
      <Notice tone="red" title="Policy fails closed: jobs it covers are denied">
        <ul className="list-disc pl-5">
          {problems.map((p, i) => (
            <li key={i}>
              <span className="font-medium">{p.scope}:</span> {p.message}
            </li>
          ))}
        </ul>
        <p className="mt-1">
          Apply a valid policy with <code className="font-mono">npx cellgate policy apply FILE --apply</code>; see{" "}
          <Link href="/policies" className="underline">
            Policies
          </Link>
          .
        </p>
      </Notice>
    </div>
  );
}
