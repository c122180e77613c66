/**
 * wasirun for Node.js: run WebAssembly guests that speak wasi-http v1.
 *
 * ```js
 * import { loadModule, runCommand } from 'wasirun';
 * const mod = await loadModule('examples/http-get.wasm');
 * const exitCode = await runCommand(mod, { env: { URL: 'http://127.0.0.1:8080/' } });
 * ```
 */
export { loadModule, WasirunError, type GuestModule } from './runtime/module.js';
export { runCommand, DEFAULT_BODY_BUFFER_LIMIT, type RunOptions } from './runtime/command.js';
export { closeOutboundPools } from './engine/io/pools.js';
