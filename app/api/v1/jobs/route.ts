import { hostRoute } from "@/lib/server/host-auth";
import { handleSubmitJob, JOBS_MAX_BODY_BYTES } from "@/lib/server/jobs/http";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** A host asks whether a job may run (docs/jobs.md); the logic is in lib/server/jobs. */
export const POST = hostRoute({ name: "jobs.submit", maxBodyBytes: JOBS_MAX_BODY_BYTES }, handleSubmitJob);
