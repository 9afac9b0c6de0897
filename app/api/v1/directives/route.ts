import { env } from "@/lib/env";
import { directivesResponse, loadDirectives } from "@/lib/server/directives";
import { hostRoute } from "@/lib/server/host-auth";
import { getPlatformKey } from "@/lib/server/platform-key";

export const dynamic = "force-dynamic";

/** Signed by the host; answered signed by the platform key (docs/host-agent.md). */
export const GET = hostRoute({ name: "directives", maxBodyBytes: 0 }, async ({ request, host, now, database }) => {
  const directives = await loadDirectives(database.prisma, host, now, env().CELLGATE_DIRECTIVE_TTL_SEC);
  const key = await getPlatformKey();
  return directivesResponse({ directives, key, request: { method: request.method, url: request.url, headers: request.headers } });
});
