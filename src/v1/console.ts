import type { ModuleSpec } from '../abi/host-function.js';
import { string } from '../abi/wit.js';
import type { V1Host } from './host.js';
import { level } from './wit-types.js';

/** `console` (wasi-logging's handler): one line on stderr, `LEVEL context: message`. */
export const consoleImports = (host: V1Host): ModuleSpec => ({
  log: {
    params: [
      ['level', level],
      ['context', string],
      ['message', string],
    ],
    impl: (lvl: string, context: string, message: string) => {
      host.print(2, `${lvl.toUpperCase()} ${context ? `${context}: ` : ''}${message}\n`);
    },
  },
});
