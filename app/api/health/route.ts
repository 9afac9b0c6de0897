import { checkHealth } from "@/lib/server/health";
import pkg from "@/package.json";

export const dynamic = "force-dynamic";

export async function GET() {
  const report = await checkHealth(pkg.version);
  return Response.json(report, {
    status: report.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
