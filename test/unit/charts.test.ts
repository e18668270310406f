import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeSvg, niceScale, renderPairedBarChart, renderStackedBarChart } from '../../src/http/web/charts.js';

const stacked = {
  id: 'c1',
  title: 'Incidents per week',
  description: 'Three weeks <of> incidents & more',
  categories: ['3 Nov', '10 Nov', '17 Nov'],
  series: ['Critical', 'Major', 'No severity'],
  values: [
    [1, 2, 0],
    [0, 0, 0],
    [3, 0, 4],
  ],
};

const count = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

describe('renderStackedBarChart', () => {
  it('is one accessible image: role img, labelled by its own title and description', () => {
    const svg = renderStackedBarChart(stacked);
    assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="c1-title" aria-describedby="c1-desc"/);
    assert.match(svg, /<title id="c1-title">Incidents per week<\/title>/);
    assert.match(svg, /<desc id="c1-desc">Three weeks &#60;of&#62; incidents &#38; more<\/desc>/);
    assert.match(svg, /<\/svg>$/);
    assert.doesNotMatch(svg, /style=/, 'the CSP refuses inline styles');
  });

  it('draws one segment per non-zero count, and the total over each non-empty bar', () => {
    const svg = renderStackedBarChart(stacked);
    assert.equal(count(svg, /<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="url\(#c1-fill-\d\)" stroke="#ffffff"/g), 4);
    assert.match(svg, /font-weight="bold">3<\/text>/);
    assert.match(svg, /font-weight="bold">7<\/text>/);
    assert.doesNotMatch(svg, /font-weight="bold">0<\/text>/);
    for (const label of stacked.categories) assert.match(svg, new RegExp(`>${label}</text>`));
  });

  it('tells series apart by pattern as well as colour, and names each in the legend', () => {
    const svg = renderStackedBarChart(stacked);
    const patterns = [...svg.matchAll(/<pattern id="(c1-fill-\d)"[^>]*>(.*?)<\/pattern>/g)].map((m) => m[2]);
    assert.equal(patterns.length, 3);
    assert.equal(new Set(patterns).size, 3, 'every series looks different');
    // The "none" series (last) is grey and cross-hatched.
    assert.match(patterns[2]!, /fill="#505a5f".*M0,0 l8,8 M8,0 l-8,8/);
    for (const name of stacked.series) assert.match(svg, new RegExp(`<text [^>]*>${name}</text>`));
  });

  it('escapes labels, and draws an empty chart with a sensible axis', () => {
    const svg = renderStackedBarChart({ ...stacked, series: ['<script>', 'none'], values: [[0, 0]], categories: ['a&b'] });
    assert.doesNotMatch(svg, /<script>/);
    assert.match(svg, />&#60;script&#62;<\/text>/);
    assert.match(svg, />a&#38;b<\/text>/);
    assert.match(svg, />4<\/text>/, 'an empty chart still has an axis up to 4');
  });
});

describe('renderPairedBarChart', () => {
  it('writes every value as text beside its bar, and "No data" draws no bar', () => {
    const svg = renderPairedBarChart({
      id: 'd1',
      title: 'Response times',
      description: 'Median and p90',
      pair: ['Median', '90th percentile'],
      rows: [
        { label: 'Time to lead', values: [60_000, 600_000], texts: ['1 min', '10 min'] },
        { label: 'Time to close', values: [null, null], texts: ['No data', 'No data'] },
      ],
    });
    assert.match(svg, /role="img" aria-labelledby="d1-title" aria-describedby="d1-desc"/);
    for (const text of ['Time to lead', 'Time to close', '1 min', '10 min', 'Median', '90th percentile']) assert.match(svg, new RegExp(`>${text}</text>`));
    assert.equal(count(svg, />No data<\/text>/g), 2);
    assert.equal(count(svg, /<rect x="170" y="\d+" width="[\d.]+" height="16" fill="url\(#d1-fill-[01]\)"\/>/g), 2);
    assert.match(svg, /<rect x="170" y="\d+" width="450.0"/, 'the longest bar spans the plot');
  });
});

describe('niceScale and escapeSvg', () => {
  it('rounds the axis top up to whole steps of 1, 2 or 5 × a power of ten', () => {
    assert.deepEqual(niceScale(0), { top: 4, step: 1 });
    assert.deepEqual(niceScale(3), { top: 3, step: 1 });
    assert.deepEqual(niceScale(7), { top: 8, step: 2 });
    assert.deepEqual(niceScale(37), { top: 40, step: 10 });
    assert.deepEqual(niceScale(180), { top: 200, step: 50 });
  });

  it('escapes the five XML specials', () => {
    assert.equal(escapeSvg(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
