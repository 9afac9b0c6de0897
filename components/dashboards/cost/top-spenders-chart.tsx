"use client";
import { useRouter } from "next/navigation";
import { Bar, Tooltip, XAxis, YAxis } from "recharts";
import { ChartCard, type TableColumn } from "@/components/dashboards/chart-card";
import { PALETTE } from "@/components/dashboards/palette";
import type { CostDashboard, TopSpender } from "@/app/api/dashboards/cost/route";
import { compact, profileHref, usd } from "./format";
import { MIN_BAR, valueTicks } from "../chart-props";
import { rankedAxis } from "../chart-text";
import { RankedBars } from "../ranked-bars";

/** The range's most expensive profiles; a bar (or the table's profile link) opens the profile. */
export function TopSpendersChart({ data, loading }: { data: CostDashboard | undefined; loading: boolean }) {
  const router = useRouter();
  const rows = data?.topSpenders ?? [];
  const columns: TableColumn<TopSpender>[] = [
    { key: "profile", label: "Profile", value: (r) => r.profile, href: (r) => profileHref(r.profile) },
    { key: "tenant", label: "Tenant", value: (r) => r.tenant },
    { key: "cost", label: "Cost", value: (r) => usd(r.cost) },
    { key: "share", label: "Share", value: (r) => `${r.share} %` },
    { key: "tokens", label: "Tokens", value: (r) => r.tokens },
  ];
  return (
    <ChartCard
      title="Top spenders"
      description={`Profiles with the highest cost in this range, top ${rows.length || 10}. Click a bar to open the profile.`}
      rows={rows}
      columns={columns}
      loading={loading}
      empty="No model usage in this range."
    >
      <RankedBars rows={rows}>
        <XAxis type="number" {...valueTicks((v) => `$${compact(v)}`)} />
        <YAxis {...rankedAxis("profile", 160)} />
        <Tooltip formatter={(v, _n, item) => [`${usd(Number(v))} (${(item?.payload as TopSpender | undefined)?.share ?? 0} %)`, "Cost"]} />
        <Bar
          dataKey="cost"
          name="Cost"
          fill={PALETTE[0]}
          minPointSize={MIN_BAR}
          cursor="pointer"
          isAnimationActive={false}
          onClick={(item) => {
            const row = (item as { payload?: TopSpender }).payload;
            if (row) router.push(profileHref(row.profile));
          }}
        />
      </RankedBars>
    </ChartCard>
  );
}
