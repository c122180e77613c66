import { median, ratio, type Result } from './report.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A bar chart of every result's ratio to its baseline (the dashed line is
 * 1×), coloured by the target met, missed or not judged; results without a
 * baseline are written as values. Plain SVG, no dependencies.
 */
export function svg(results: readonly Result[], title: string): string {
  const rowH = 34;
  const left = 330;
  const width = 900;
  const ratios = results.map((r) => ratio(r));
  const max = Math.max(1, ...ratios.map((q) => q ?? 0));
  const scale = (v: number): number => ((width - left - 240) * v) / max;
  const rows = results.map((r, i) => {
    const y = 50 + i * rowH;
    const q = ratios[i];
    const name = `<text x="10" y="${y + 17}" font-size="13">${esc(r.name)}</text>`;
    // Without a baseline there is no ratio to draw: the value itself is written.
    if (q === undefined) {
      return `${name}<text x="${left}" y="${y + 16}" font-size="12">${esc(`${median(r.ours).toFixed(2)} ${r.unit}`)}</text>`;
    }
    const colour = r.met === undefined ? '#888888' : r.met ? '#3a8f4d' : '#c0392b';
    return [
      name,
      `<rect x="${left}" y="${y}" width="${Math.max(1, scale(q)).toFixed(1)}" height="22" fill="${colour}"/>`,
      `<text x="${(left + scale(q) + 6).toFixed(1)}" y="${y + 16}" font-size="12">${esc(`${q.toFixed(2)}× ${r.baselineName ?? 'baseline'}`)}</text>`,
    ].join('');
  });
  const one = `<line x1="${left + scale(1)}" y1="40" x2="${left + scale(1)}" y2="${50 + rows.length * rowH}" stroke="#555" stroke-dasharray="4 3"/>`;
  const height = 70 + rows.length * rowH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="24" font-size="15" font-weight="bold">${esc(title)}</text>
${rows.join('\n')}
${one}
</svg>
`;
}
