// A /metrics scrape, parsed with parse-prometheus-text-format, as series to look up.
// That parser folds a histogram's labelled series into one (it keeps no labels of
// histograms), so a histogram's `_count` sample lines are parsed again on their own,
// as a counter family: the same parser reads their labels and values.
import assert from 'node:assert/strict';
import parse from 'parse-prometheus-text-format';

export interface Scrape {
  /** Family name -> its type (COUNTER, GAUGE, HISTOGRAM, ...). */
  types: Map<string, string>;
  /** The value of the one series of `name` whose labels include `labels` (0 when none has them). */
  value(name: string, labels?: Record<string, string>): number;
  /** Every label set of `name`'s series. */
  labelSets(name: string): Array<Record<string, string>>;
}

export function parseScrape(text: string): Scrape {
  const families = parse(text);
  const types = new Map(families.map((f) => [f.name, f.type]));
  const series = new Map<string, Array<{ labels: Record<string, string>; value: number }>>();
  for (const family of families) {
    if (family.type === 'HISTOGRAM') continue;
    series.set(
      family.name,
      family.metrics.map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) })),
    );
  }
  for (const [name, type] of types) {
    if (type !== 'HISTOGRAM') continue;
    const counts = text.split('\n').filter((line) => line.startsWith(`${name}_count`));
    const [reparsed] = parse(`# TYPE ${name}_count counter\n${counts.join('\n')}\n`);
    series.set(
      `${name}_count`,
      (reparsed?.metrics ?? []).map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) })),
    );
  }
  const matching = (name: string, labels: Record<string, string>) =>
    (series.get(name) ?? []).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    types,
    value(name, labels = {}) {
      const found = matching(name, labels);
      assert.ok(found.length <= 1, `one series of ${name} with ${JSON.stringify(labels)}`);
      return found[0]?.value ?? 0;
    },
    labelSets: (name) => (series.get(name) ?? []).map((s) => s.labels),
  };
}
