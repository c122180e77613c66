import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The built-ins loaded this way. */
interface Lazy {
  'node:crypto': typeof import('node:crypto');
  'node:https': typeof import('node:https');
  'node:tls': typeof import('node:tls');
}

/**
 * A Node built-in module, loaded at its first use. These take 5–30 ms to
 * load on the reference machine, on a path most runs never take — and a
 * guest's start, which waits for its thread's modules, should not pay for them.
 */
export function lazyBuiltin<K extends keyof Lazy>(name: K): () => Lazy[K] {
  let loaded: Lazy[K] | undefined;
  return () => (loaded ??= require(name) as Lazy[K]);
}
