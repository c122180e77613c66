import { median, ratio, type Result } from './report.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A bar chart of every result: its ratio to the baseline (or, without one,
 * its median), with the target met or missed in the colour. Plain SVG, no
 * dependencies.
 */
export function svg(results: readonly Result[], title: string): string {
  const rowH = 34;
  const left = 330;
  const width = 900;
  const bars = results.map((r) => ({
    r,
    value: ratio(r) ?? median(r.ours),
    isRatio: r.baseline !== undefined,
  }));
  const max = Math.max(...bars.map((b) => b.value), 1);
  const scale = (v: number): number => ((width - left - 120) * v) / max;
  const rows = bars.map(({ r, value, isRatio }, i) => {
    const y = 50 + i * rowH;
    const label = isRatio
      ? `${value.toFixed(2)}× ${r.baselineName ?? 'baseline'}`
      : `${value.toFixed(2)} ${r.unit}`;
    return [
      `<text x="10" y="${y + 17}" font-size="13">${esc(r.name)}</text>`,
      `<rect x="${left}" y="${y}" width="${Math.max(1, scale(value)).toFixed(1)}" height="22" fill="${r.met === undefined ? '#888888' : r.met ? '#3a8f4d' : '#c0392b'}"/>`,
      `<text x="${left + scale(value) + 6}" y="${y + 16}" font-size="12">${esc(label)}</text>`,
    ].join('');
  });
  const one = results.some((r) => r.baseline)
    ? `<line x1="${left + scale(1)}" y1="40" x2="${left + scale(1)}" y2="${50 + rows.length * rowH}" stroke="#555" stroke-dasharray="4 3"/>`
    : '';
  const height = 70 + rows.length * rowH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="24" font-size="15" font-weight="bold">${esc(title)}</text>
${rows.join('\n')}
${one}
</svg>
`;
}
