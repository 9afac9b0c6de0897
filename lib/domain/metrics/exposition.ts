/**
 * Prometheus text exposition format 0.0.4: metric families rendered as
 * `# HELP`, `# TYPE` and one sample line each, with the escaping the format
 * asks for (HELP: backslash and newline; label values: backslash, double
 * quote and newline). Names are checked, so a typo fails loudly instead of
 * producing a scrape Prometheus rejects. Pure: no I/O.
 */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type MetricType = "counter" | "gauge";

export interface Sample {
  /** Label name → value; rendered in the order given. */
  labels?: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: readonly Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class ExpositionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpositionError";
  }
}

/** HELP text: `\` → `\\`, newline → `\n`. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** Label value: `\` → `\\`, `"` → `\"`, newline → `\n`. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** A sample value as Prometheus writes it: integers plainly, NaN and ±Inf by name. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Object.is(value, -0) ? "0" : String(value);
}

function checkFamily(family: MetricFamily): void {
  if (!METRIC_NAME.test(family.name)) throw new ExpositionError(`metric name "${family.name}" is not valid`);
  if (family.type === "counter" && !family.name.endsWith("_total")) {
    throw new ExpositionError(`counter "${family.name}" must end in _total`);
  }
  for (const sample of family.samples) {
    for (const label of Object.keys(sample.labels ?? {})) {
      if (!LABEL_NAME.test(label) || label.startsWith("__")) {
        throw new ExpositionError(`label name "${label}" of ${family.name} is not valid`);
      }
    }
    if (family.type === "counter" && !(sample.value >= 0)) {
      throw new ExpositionError(`counter ${family.name} has a negative or NaN value`);
    }
  }
}

function sampleLine(name: string, sample: Sample): string {
  const labels = Object.entries(sample.labels ?? {});
  const text = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}` : "";
  return `${name}${text} ${formatValue(sample.value)}`;
}

/**
 * The exposition text of `families`, in the order given, ending in a newline.
 * A family name may appear once; a family without samples still states its
 * HELP and TYPE (so dashboards see the metric exists).
 */
export function formatExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const family of families) {
    checkFamily(family);
    if (seen.has(family.name)) throw new ExpositionError(`metric "${family.name}" appears twice`);
    seen.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) lines.push(sampleLine(family.name, sample));
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
