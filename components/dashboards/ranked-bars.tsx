"use client";
import type { ReactNode } from "react";
import { BarChart, CartesianGrid, ResponsiveContainer } from "recharts";
import { RANKED_MARGIN } from "./chart-props";

/**
 * A ranking: horizontal bars, one row per item, largest first. `children`
 * are the chart's axes, tooltip, legend and bars.
 */
export function RankedBars<R extends object>({ rows, children }: { rows: readonly R[]; children: ReactNode }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows as R[]} layout="vertical" margin={RANKED_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        {children}
      </BarChart>
    </ResponsiveContainer>
  );
}
