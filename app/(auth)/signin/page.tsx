import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { env } from "@/lib/env";
import { safeCallbackUrl } from "@/lib/server/auth/callback-url";
import { getActor } from "@/lib/server/session";
import { SignInForm } from "./sign-in-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const e = env();
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl), e.NEXTAUTH_URL);
  if (await getActor()) redirect(callbackUrl);
  const ssoName = e.CELLGATE_OIDC_ISSUER && e.CELLGATE_OIDC_CLIENT_ID ? e.CELLGATE_OIDC_NAME : null;

  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <p className="text-sm font-semibold tracking-wide text-indigo-700 uppercase">Cellgate</p>
          <h1 className="mt-2 text-2xl font-semibold text-slate-900">Sign in to the console</h1>
          <p className="mt-1 text-sm text-slate-600">Governance for your AI agent fleet.</p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <SignInForm callbackUrl={callbackUrl} initialError={first(params.error) ?? null} ssoName={ssoName} />
        </div>
      </div>
    </main>
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
