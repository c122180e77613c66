import type * as NodeWasi from 'node:wasi';

/**
 * Loads node:wasi without its ExperimentalWarning: the warning is emitted
 * once, when the module is first loaded, so it is filtered only around that.
 */
export async function loadWasi(): Promise<typeof NodeWasi> {
  const emit = process.emitWarning.bind(process);
  const filtered = (warning: string | Error, ...rest: unknown[]): void => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/\bWASI\b/.test(text) && JSON.stringify(rest).includes('ExperimentalWarning')) return;
    Reflect.apply(emit, process, [warning, ...rest]);
  };
  process.emitWarning = filtered;
  try {
    return await import('node:wasi');
  } finally {
    process.emitWarning = emit;
  }
}
