import { requireActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";

export default async function Home() {
  const actor = await requireActor();
  return <main className="p-8">Signed in as {actor.email}</main>;
}
