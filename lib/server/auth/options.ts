import "server-only";
/**
 * next-auth configuration: credentials (argon2id) and, when configured, one
 * OIDC provider. The JWT carries only the server-side session id (`sid`).
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { verifyPassword } from "@/lib/server/passwords";
import { createSession, revokeSession, sessionLimits } from "./sessions";

export const authOptions: NextAuthOptions = {
  pages: { signIn: "/signin", error: "/signin" },
  session: { strategy: "jwt", maxAge: Math.ceil(sessionLimits().absoluteMs / 1000) },
  providers: [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const email = String(credentials?.email ?? "").trim().toLowerCase();
        const password = String(credentials?.password ?? "");
        if (!email || !password) return null;
        const prisma = await db();
        const user = await prisma.user.findUnique({ where: { email } });
        const ok = await verifyPassword(user?.passwordHash, password);
        if (!user || !ok || user.disabled) return null;
        const sid = await createSession(prisma, {
          userId: user.id,
          provider: "credentials",
          userAgent: headerOf(req?.headers, "user-agent"),
        });
        return { id: user.id, email: user.email, name: user.name, sid };
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user && "sid" in user) token.sid = (user as { sid: string }).sid;
      return token;
    },
    async session({ session, token }) {
      return { ...session, sid: token.sid } as typeof session;
    },
  },
  events: {
    async signOut({ token }) {
      const sid = token?.sid;
      if (typeof sid === "string") await revokeSession(await db(), sid, "signed out");
    },
  },
  secret: env().NEXTAUTH_SECRET,
};

function headerOf(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}
