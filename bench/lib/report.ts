// Results on stdout (a table), as JSON, and as Markdown with one SVG chart per
// group of figures, each bar drawn against its target (vega-lite, rendered headless).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import * as vl from 'vega-lite';

export interface Figure {
  group: string;
  name: string;
  value: number;
  unit: string;
  /** Target bound and its direction; absent when the figure is only reported. */
  target?: number;
  better?: 'higher' | 'lower';
}

export const meets = (f: Figure) => (f.target === undefined ? undefined : f.better === 'lower' ? f.value <= f.target : f.value >= f.target);

function format(value: number): string {
  // A small figure that is not zero (one lastUsed write per token per minute) must not read as 0.000.
  if (value !== 0 && Math.abs(value) < 0.001) return value.toPrecision(2);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(value < 1 ? 3 : 2);
}

export function table(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.group,
    f.name,
    `${format(f.value)} ${f.unit}`,
    f.target === undefined ? '' : `${f.better === 'lower' ? '<=' : '>='} ${f.target}`,
    meets(f) === undefined ? 'reported' : meets(f) ? 'met' : 'MISSED',
  ]);
  const header = ['group', 'figure', 'value', 'target', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function chart(group: string, figures: Figure[]): Promise<string> {
  const values = figures.map((f) => ({
    figure: f.name,
    value: f.value,
    target: f.target ?? null,
    status: meets(f) === false ? 'missed' : 'met',
  }));
  const spec = vl.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${group} (${figures[0]?.unit ?? ''})`,
    width: 480,
    data: { values },
    encoding: { y: { field: 'figure', type: 'nominal', sort: null, title: null } },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x: { field: 'value', type: 'quantitative', title: figures[0]?.unit ?? '' },
          color: { field: 'status', type: 'nominal', scale: { domain: ['met', 'missed'], range: ['#3a7d44', '#c0392b'] }, legend: null },
        },
      },
      { mark: { type: 'tick', color: 'black', thickness: 2, size: 18 }, encoding: { x: { field: 'target', type: 'quantitative' } } },
    ],
  } as vl.TopLevelSpec).spec;
  return new vega.View(vega.parse(spec), { renderer: 'none' }).toSVG();
}

/** Figures of `npm run bench:scale`; `npm run bench` writes the others. */
export const isScaleFigure = (figure: Figure) => figure.group.startsWith('List page') || figure.group.startsWith('Scale');

/**
 * Writes `figures` over those of the previous report for which `ours` holds, keeping
 * the rest (and the previous run's other metadata): the two bench scripts share one
 * report.
 */
export async function mergeReport(
  dir: string,
  meta: Record<string, unknown>,
  figures: Figure[],
  ours: (figure: Figure) => boolean,
): Promise<void> {
  const latest = join(dir, 'latest.json');
  const previous = existsSync(latest)
    ? (JSON.parse(readFileSync(latest, 'utf8')) as { figures: Figure[] } & Record<string, unknown>)
    : { figures: [] };
  const { figures: old, ...previousMeta } = previous;
  await writeReport(dir, { ...previousMeta, ...meta }, [...old.filter((f) => !ours(f)), ...figures]);
}

export async function writeReport(dir: string, meta: Record<string, unknown>, figures: Figure[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), JSON.stringify({ ...meta, figures }, null, 2) + '\n');
  const groups = [...new Set(figures.map((f) => f.group))];
  const md = [`# latchkey benchmark results`, '', `${meta.date} — ${meta.machine}`, '', 'Black ticks are targets; red bars miss them.', ''];
  for (const group of groups) {
    const file = `chart-${group.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.svg`;
    writeFileSync(
      join(dir, file),
      await chart(
        group,
        figures.filter((f) => f.group === group),
      ),
    );
    md.push(`## ${group}`, '', `![${group}](${file})`, '');
  }
  md.push('## All figures', '', '```', table(figures), '```', '');
  writeFileSync(join(dir, 'latest.md'), md.join('\n'));
}
