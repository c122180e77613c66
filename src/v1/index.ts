import { hostModule } from '../abi/host-function.js';
import { consoleImports } from './console.js';
import type { V1Host } from './host.js';
import { outgoingHandlerImports } from './outgoing-handler.js';
import { pollImports } from './poll.js';
import { randomImports } from './random.js';
import { streamsImports } from './streams.js';
import { bodyImports } from './types/bodies.js';
import { fieldsImports } from './types/fields.js';
import { requestImports } from './types/requests.js';
import { responseImports } from './types/responses.js';

/** Every v1 import, ready for `WebAssembly.instantiate`. */
export function v1Imports(host: V1Host): WebAssembly.Imports {
  return {
    types: hostModule(host, 'types', {
      ...fieldsImports(host),
      ...requestImports(host),
      ...responseImports(host),
      ...bodyImports(host),
    }),
    streams: hostModule(host, 'streams', streamsImports(host)),
    poll: hostModule(host, 'poll', pollImports(host)),
    'default-outgoing-HTTP': hostModule(host, 'default-outgoing-HTTP', outgoingHandlerImports(host)),
    random: hostModule(host, 'random', randomImports(host)),
    console: hostModule(host, 'console', consoleImports(host)),
  };
}
