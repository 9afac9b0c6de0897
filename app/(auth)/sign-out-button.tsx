"use client";
/**
 * The console header's "Sign out" button. next-auth's sign-out POST fires
 * events.signOut, which revokes the server-side session row (and audits it),
 * so a copy of the cookie stops working at once.
 */
import { useState } from "react";
import { signOut } from "next-auth/react";

export function SignOutButton({ className }: { className?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/signin" });
      }}
      className={
        className ??
        "rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:cursor-wait disabled:opacity-70"
      }
    >
      Sign out
    </button>
  );
}
