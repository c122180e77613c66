/**
 * wasirun for Node.js: run WebAssembly guests that speak wasi-http v1 —
 * as commands (`runCommand`) or as HTTP servers (`serve`,
 * `createRequestHandler`). See README.md for examples.
 */
export { loadModule, WasirunError, type GuestModule } from './runtime/module.js';
export { runCommand, DEFAULT_BODY_BUFFER_LIMIT, type RunOptions } from './runtime/command.js';
export {
  createRequestHandler,
  SERVE_DEFAULTS,
  type RequestHandler,
  type ServeOptions,
} from './server/handler.js';
export { serve, type ListenOptions, type RunningServer } from './server/serve.js';
export { closeOutboundPools } from './engine/io/pools.js';
