import NextAuth from "next-auth";
import { authOptionsFor } from "@/lib/server/auth/options";
import { isThrottledCode, SIGN_IN_ERROR } from "@/lib/server/auth/sign-in-errors";

/** next-auth with this request's redirect rule (back to the allowed host the browser used). */
const handler = (request: Request, context: Context) => NextAuth(authOptionsFor(request.headers))(request, context);

type Context = { params: Promise<{ nextauth: string[] }> };

export function GET(request: Request, context: Context): Promise<Response> {
  return handler(request, context);
}

/**
 * next-auth answers a refused credentials sign-in with 401 whatever the
 * reason; a throttled one is told apart here as 429 with Retry-After, which
 * next-auth/react's signIn() passes through as `status`.
 */
export async function POST(request: Request, context: Context): Promise<Response> {
  const response: Response = await handler(request, context);
  if (response.status !== 401 || !response.headers.get("content-type")?.includes("application/json")) return response;
  const body = (await response.clone().json().catch(() => null)) as { url?: string } | null;
  let code: string | null = null;
  try {
    code = body?.url ? new URL(body.url).searchParams.get("error") : null;
  } catch {
    return response;
  }
  if (!code || !isThrottledCode(code)) return response;
  const minutes = Number(code.slice(SIGN_IN_ERROR.throttled.length + 1)) || 15;
  const headers = new Headers(response.headers);
  headers.set("Retry-After", String(minutes * 60));
  return new Response(JSON.stringify(body), { status: 429, headers });
}
