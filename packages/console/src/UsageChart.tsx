// Verifications per bucket, stacked by outcome code, drawn with uPlot.
// Why uPlot: ~20 kB gzipped with no dependencies (the console's budget is 60 kB), and
// it draws on a canvas, so a week of hourly buckets redraws and resizes at once. Its
// stylesheet is not imported: style.css has the few rules this chart needs (no legend,
// no selection), which keeps the console inside its budget.
import type { UsageCode } from '@latchkey/contract';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { bucketMs, stacked, type UsageSeries } from './usage-series.js';

const chartHeight = 240;

/** Whole numbers only on the count axis: a verification is never a fraction. */
const countIncrements = Array.from({ length: 28 }, (_, i) => [1, 2, 5][i % 3]! * 10 ** Math.floor(i / 3));

/** A code's colour is a CSS custom property (style.css), so light and dark each pick a legible one. */
function cssColour(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim();
}

const utc = (seconds: number) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC');

const withTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const bucketFormat = {
  minute: withTime,
  hour: withTime,
  day: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }),
};

/** A bucket's start as shown: in UTC, the time zone the API counts buckets in. */
function formatBucket(series: UsageSeries, time: number): string {
  return `${bucketFormat[series.resolution].format(time)} UTC`;
}

function optionsFor(element: HTMLElement, series: UsageSeries, width: number, onHover: (index: number | null) => void): uPlot.Options {
  const fg = cssColour(element, '--fg');
  const grid = cssColour(element, '--border');
  const span = bucketMs[series.resolution];
  const bars = uPlot.paths.bars!({ size: [0.9, 48], align: 1 });
  // uPlot has no stacking: each code is drawn as the running sum up to it, the tallest
  // (the top code) first, so every lower code's bar paints over the bottom of it.
  const drawn = series.codes.map((code, index) => ({ code, index })).reverse();
  return {
    width,
    height: chartHeight,
    tzDate: utc,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: {
      x: { time: true, range: () => [series.times[0]! / 1000, (series.times.at(-1)! + span) / 1000] },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
    },
    axes: [
      { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
      { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, incrs: countIncrements, size: 48 },
    ],
    series: [
      {},
      ...drawn.map(({ code }) => {
        const colour = cssColour(element, `--usage-${code}`);
        return { label: code, fill: colour, stroke: colour, width: 0, paths: bars, points: { show: false } };
      }),
    ],
    hooks: {
      setCursor: [
        (u) => {
          const left = u.cursor.left ?? -1;
          if (left < 0) return onHover(null);
          const index = Math.floor((u.posToVal(left, 'x') * 1000 - series.times[0]!) / span);
          onHover(index >= 0 && index < series.times.length ? index : null);
        },
      ],
    },
  };
}

function dataFor(series: UsageSeries): uPlot.AlignedData {
  const tops = stacked(series);
  return [series.times.map((t) => t / 1000), ...tops.reverse()];
}

/**
 * The chart, as wide as its container (followed with a ResizeObserver, so a 390 px
 * screen gets a 390 px chart). `description` is its text alternative; the numbers
 * themselves are in the totals table beside it.
 */
/** An outcome's colour beside its name (legend, totals, top tokens): the code's `--usage-<code>` from style.css. */
export function Swatch({ code }: { code: UsageCode }) {
  return <span class="swatch" style={{ background: `var(--usage-${code})` }} aria-hidden="true" />;
}

export function UsageChart(props: { series: UsageSeries; description: string }) {
  const { series } = props;
  const box = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let chart: uPlot | null = null;
    const build = () => {
      chart?.destroy();
      chart = new uPlot(optionsFor(element, series, element.clientWidth, setHover), dataFor(series), element);
    };
    build();
    const resize = new ResizeObserver(() => {
      if (chart && chart.width !== element.clientWidth) chart.setSize({ width: element.clientWidth, height: chartHeight });
    });
    resize.observe(element);
    // The colours come from the colour scheme: draw again with the other one's.
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', build);
    return () => {
      resize.disconnect();
      scheme.removeEventListener('change', build);
      chart?.destroy();
    };
  }, [series]);

  const hovered = hover === null ? null : series.codes.filter((code) => series.counts.get(code)![hover]! > 0);
  return (
    <figure class="usage-chart">
      <div ref={box} class="usage-canvas" role="img" aria-label={props.description} />
      <figcaption>
        <ul class="usage-legend" aria-label="Outcomes">
          {series.codes.map((code) => (
            <li key={code}>
              <Swatch code={code} />
              {code}
            </li>
          ))}
        </ul>
        <p class="hint usage-readout">
          {hover === null
            ? 'Point at a bar for its counts.'
            : `${formatBucket(series, series.times[hover]!)}: ${
                hovered!.length === 0
                  ? 'no verifications'
                  : hovered!.map((code: UsageCode) => `${code} ${series.counts.get(code)![hover]}`).join(', ')
              }`}
        </p>
      </figcaption>
    </figure>
  );
}
