/** Renders a lifted WIT value for `--trace`: short, one line, strings quoted. */
export function describe(value: unknown): string {
  if (value === undefined) return 'none';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, 8).map(describe);
    if (value.length > 8) shown.push(`… ${value.length} items`);
    return `[${shown.join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    if ('tag' in value && typeof value.tag === 'string') {
      const v = (value as { val?: unknown }).val;
      return v === undefined ? value.tag : `${value.tag}(${describe(v)})`;
    }
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${describe(v)}`)
      .join(', ')}}`;
  }
  return typeof value === 'symbol' ? value.toString() : 'function';
}
