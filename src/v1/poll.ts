import type { ModuleSpec } from '../abi/host-function.js';
import { list, u8 } from '../abi/wit.js';
import type { V1Host } from './host.js';
import { handle } from './wit-types.js';

/** `poll`: wait until at least one pollable is ready; one byte per pollable, 1 = ready. */
export const pollImports = (host: V1Host): ModuleSpec => ({
  'poll-oneoff': {
    params: [['in', list(handle)]],
    result: list(u8),
    impl: (pollables: number[]) => {
      if (pollables.length === 0) return new Uint8Array(0);
      const targets = pollables.map((h) => {
        const p = host.table.get(h, 'pollable');
        return [p.target, p.id] as const;
      });
      return host.remote.poll(targets);
    },
  },
  'drop-pollable': {
    params: [['this', handle]],
    impl: (h: number) => {
      host.table.remove(h, 'pollable');
    },
  },
});
