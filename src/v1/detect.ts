/** The import modules of wasi-http v1, by the names guests of that era import them under. */
export const V1_MODULES = ['types', 'streams', 'poll', 'default-outgoing-HTTP', 'random', 'console'] as const;

/** The export a v1 guest serves HTTP through. */
export const V1_HANDLER_EXPORT = 'HTTP#handle';

/** `--http auto`: whether a module speaks v1 (imports one of its modules or exports the handler). */
export function speaksV1(module: WebAssembly.Module): boolean {
  const names = new Set<string>(V1_MODULES);
  return (
    WebAssembly.Module.imports(module).some((i) => names.has(i.module)) ||
    WebAssembly.Module.exports(module).some((e) => e.name === V1_HANDLER_EXPORT)
  );
}
