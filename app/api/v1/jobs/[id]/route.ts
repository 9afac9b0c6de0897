import { hostRoute } from "@/lib/server/host-auth";
import { handleGetJob } from "@/lib/server/jobs/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** A job's current status (EXPIRED once past its expiry, swept or not); docs/jobs.md. */
export const GET = hostRoute({ name: "jobs.read", maxBodyBytes: 0 }, handleGetJob);
