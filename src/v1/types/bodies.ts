import type { ModuleSpec } from '../../abi/host-function.js';
import { option, string } from '../../abi/wit.js';
import { Fields } from '../../engine/fields.js';
import type { V1Host } from '../host.js';
import { handle } from '../wit-types.js';
import { fieldsOf, newFieldsHandle } from './fields.js';

/** `types`: the end of a body (`finish-*-stream`), and wasi-go's `log-it`. */
export const bodyImports = (host: V1Host): ModuleSpec => ({
  'finish-incoming-stream': {
    params: [['s', handle]],
    result: option(handle),
    impl: (s: number) => {
      const trailers = host.remote.inFinish(host.table.get(s, 'input-stream').id);
      return trailers ? newFieldsHandle(host, new Fields(trailers)) : undefined;
    },
  },
  'finish-outgoing-stream': {
    params: [
      ['s', handle],
      ['trailers', option(handle)],
    ],
    impl: (s: number, trailers: number | undefined) => {
      const stream = host.table.get(s, 'output-stream');
      host.remote.outFinish(stream.id, trailers === undefined ? undefined : fieldsOf(host, trailers).list());
    },
  },
  'log-it': {
    params: [['message', string]],
    impl: (message: string) => {
      host.print(1, `${message}\n`);
    },
  },
});
