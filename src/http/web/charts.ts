/*
 * Charts drawn on the server as SVG strings: no JavaScript, and they print. Each one is an image
 * to assistive technology (role="img", named by its <title> through aria-labelledby and described
 * by its <desc> through aria-describedby: the name stays short, the summary is read after it); its
 * figures are in the data table that follows it on the page. Series differ by pattern as well as
 * colour, and every colour is dark enough against white (at least 3:1) for a graphic. No inline
 * style attributes: the site's CSP forbids them, so presentation attributes do the work.
 */

/** One fill: a colour, and a pattern of white marks over it (`solid`: none). */
interface Fill {
  readonly colour: string;
  readonly pattern: 'solid' | 'stripes' | 'dots' | 'crosshatch' | 'horizontal' | 'vertical';
}

// GOV.UK palette colours, each at least 4.5:1 against white.
const fills: readonly Fill[] = [
  { colour: '#d4351c', pattern: 'solid' },
  { colour: '#1d70b8', pattern: 'stripes' },
  { colour: '#00703c', pattern: 'dots' },
  { colour: '#4c2c92', pattern: 'horizontal' },
  { colour: '#912b88', pattern: 'vertical' },
];
// The last series (no severity) is always grey with a cross-hatch, whatever comes before it.
const noneFill: Fill = { colour: '#505a5f', pattern: 'crosshatch' };
const TEXT = '#0b0c0c';
const AXIS = '#505a5f';

/** Text for SVG content and attribute values. */
export function escapeSvg(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function patternDef(id: string, fill: Fill): string {
  const marks: Record<Fill['pattern'], string> = {
    solid: '',
    stripes: '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" stroke-width="2"/>',
    dots: '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
    crosshatch: '<path d="M0,0 l8,8 M8,0 l-8,8" stroke="#ffffff" stroke-width="1.2"/>',
    horizontal: '<path d="M0,4 h8" stroke="#ffffff" stroke-width="2"/>',
    vertical: '<path d="M4,0 v8" stroke="#ffffff" stroke-width="2"/>',
  };
  return `<pattern id="${id}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="${fill.colour}"/>${marks[fill.pattern]}</pattern>`;
}

/** A round number at or above `max` for the top of an axis, and the step between its ticks. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (max <= 0) return { top: ticks, step: 1 };
  const rough = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough)!;
  const wholeStep = Math.max(1, step);
  return { top: Math.ceil(max / wholeStep) * wholeStep, step: wholeStep };
}

function svgOpen(id: string, width: number, height: number, title: string, description: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" id="${id}" role="img" aria-labelledby="${id}-title" aria-describedby="${id}-desc" ` +
    `viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" font-family="&quot;GDS Transport&quot;, arial, sans-serif" font-size="13" fill="${TEXT}">` +
    `<title id="${id}-title">${escapeSvg(title)}</title><desc id="${id}-desc">${escapeSvg(description)}</desc>`
  );
}

/** A legend row: a swatch in each series' fill and its label, wrapping onto more rows as needed. */
function legend(id: string, labels: readonly string[], fillIds: readonly string[], x: number, y: number, width: number): { svg: string; height: number } {
  let cx = x;
  let cy = y;
  const parts: string[] = [];
  labels.forEach((label, i) => {
    const itemWidth = 24 + label.length * 7.5 + 20;
    if (cx + itemWidth > x + width && cx > x) {
      cx = x;
      cy += 22;
    }
    parts.push(
      `<rect x="${cx}" y="${cy}" width="16" height="16" fill="url(#${fillIds[i]})" stroke="${AXIS}" stroke-width="1"/>` +
        `<text x="${cx + 22}" y="${cy + 13}">${escapeSvg(label)}</text>`,
    );
    cx += itemWidth;
  });
  return { svg: `<g id="${id}-legend">${parts.join('')}</g>`, height: cy - y + 22 };
}

export interface StackedBarChart {
  /** Unique on the page: the element ids and pattern ids derive from it. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** One per bar, left to right: its label under the axis. */
  readonly categories: readonly string[];
  /** The stacked parts, bottom first; the last is drawn as "none" (grey, cross-hatched). */
  readonly series: readonly string[];
  /** values[category][series]. */
  readonly values: readonly (readonly number[])[];
}

/** Bars of counts, each stacked by series, with the total over each bar and a patterned legend. */
export function renderStackedBarChart(chart: StackedBarChart): string {
  const width = 720;
  const left = 44;
  const right = 12;
  const top = 20;
  const plotHeight = 220;
  const plotWidth = width - left - right;
  const fillIds = chart.series.map((_, s) => `${chart.id}-fill-${s}`);
  const seriesFill = (s: number) => (s === chart.series.length - 1 ? noneFill : fills[s % fills.length]!);
  const totals = chart.values.map((row) => row.reduce((sum, n) => sum + n, 0));
  const { top: yTop, step } = niceScale(Math.max(0, ...totals));
  const y = (value: number) => top + plotHeight - (value / yTop) * plotHeight;

  const parts: string[] = [`<defs>${chart.series.map((_, s) => patternDef(fillIds[s]!, seriesFill(s))).join('')}</defs>`];
  for (let tick = 0; tick <= yTop; tick += step) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#b1b4b6" stroke-width="1"/>` +
        `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
    );
  }
  const n = Math.max(1, chart.categories.length);
  const slot = plotWidth / n;
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  // Every label when they fit, otherwise every k-th: the table has them all.
  const every = Math.ceil(n / Math.max(1, Math.floor(plotWidth / 64)));
  chart.categories.forEach((label, c) => {
    const x = left + c * slot + (slot - barWidth) / 2;
    let base = 0;
    chart.series.forEach((_, s) => {
      const value = chart.values[c]?.[s] ?? 0;
      if (value <= 0) return;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}" ` +
          `fill="url(#${fillIds[s]})" stroke="#ffffff" stroke-width="1"/>`,
      );
      base += value;
    });
    if (totals[c]! > 0) parts.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y(base) - 4).toFixed(1)}" text-anchor="middle" font-weight="bold">${totals[c]}</text>`);
    if (c % every === 0) parts.push(`<text x="${(x + barWidth / 2).toFixed(1)}" y="${top + plotHeight + 18}" text-anchor="middle">${escapeSvg(label)}</text>`);
  });
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="${AXIS}" stroke-width="2"/>`);
  const key = legend(chart.id, chart.series, fillIds, left, top + plotHeight + 34, plotWidth);
  parts.push(key.svg);
  const height = top + plotHeight + 34 + key.height + 8;
  return `${svgOpen(chart.id, width, height, chart.title, chart.description)}${parts.join('')}</svg>`;
}

export interface PairedBarChart {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The two bars of each row, as the legend names them (e.g. "Median", "90th percentile"). */
  readonly pair: readonly [string, string];
  /** One row per measure; a value is null when there is nothing to measure. */
  readonly rows: readonly { readonly label: string; readonly values: readonly [number | null, number | null]; readonly texts: readonly [string, string] }[];
}

/** Horizontal bars in pairs, one pair per row, each bar labelled with its value as text. */
export function renderPairedBarChart(chart: PairedBarChart): string {
  const width = 720;
  const left = 170;
  // Room for the value written after the longest bar ("23 h 59 min").
  const right = 100;
  const top = 10;
  const barHeight = 18;
  const rowHeight = 2 * barHeight + 22;
  const plotWidth = width - left - right;
  const fillIds = [`${chart.id}-fill-0`, `${chart.id}-fill-1`];
  const pairFills: readonly Fill[] = [
    { colour: '#1d70b8', pattern: 'solid' },
    { colour: '#4c2c92', pattern: 'stripes' },
  ];
  const max = Math.max(0, ...chart.rows.flatMap((r) => r.values.map((v) => v ?? 0)));
  const scale = (value: number) => (max === 0 ? 0 : (value / max) * plotWidth);
  const parts: string[] = [`<defs>${pairFills.map((f, i) => patternDef(fillIds[i]!, f)).join('')}</defs>`];
  chart.rows.forEach((row, r) => {
    const rowTop = top + r * rowHeight;
    parts.push(`<text x="${left - 10}" y="${rowTop + barHeight + 4}" text-anchor="end" font-weight="bold">${escapeSvg(row.label)}</text>`);
    row.values.forEach((value, i) => {
      const barTop = rowTop + i * barHeight;
      const length = value === null ? 0 : Math.max(2, scale(value));
      if (value !== null) parts.push(`<rect x="${left}" y="${barTop}" width="${length.toFixed(1)}" height="${barHeight - 2}" fill="url(#${fillIds[i]})"/>`);
      parts.push(`<text x="${(left + length + 6).toFixed(1)}" y="${barTop + barHeight - 5}">${escapeSvg(row.texts[i]!)}</text>`);
    });
  });
  const plotBottom = top + chart.rows.length * rowHeight;
  parts.push(`<line x1="${left}" x2="${left}" y1="${top - 4}" y2="${plotBottom - 18}" stroke="${AXIS}" stroke-width="2"/>`);
  const key = legend(chart.id, chart.pair, fillIds, left, plotBottom, plotWidth);
  parts.push(key.svg);
  return `${svgOpen(chart.id, width, plotBottom + key.height + 8, chart.title, chart.description)}${parts.join('')}</svg>`;
}
