import { lazyBuiltin } from '../util/lazy-builtin.js';
import type { ModuleSpec } from '../abi/host-function.js';
import { tuple, u64 } from '../abi/wit.js';
import { violation } from '../abi/trap.js';
import type { V1Host } from './host.js';
import { bytes } from './wit-types.js';

const crypto = lazyBuiltin('node:crypto');

/** A wasm32 guest cannot hold more than this. */
const MAX_BYTES = 2n ** 32n;

/** `random`: every value comes from Node's CSPRNG, the "insecure" one included. */
export const randomImports = (host: V1Host): ModuleSpec => ({
  'get-random-bytes': {
    params: [['len', u64]],
    result: bytes,
    impl: (len: bigint) => {
      if (len >= MAX_BYTES || Number(len) > host.memory().size) {
        violation(`cannot return ${len} random bytes to a guest with ${host.memory().size} bytes of memory`);
      }
      return crypto().randomFillSync(new Uint8Array(Number(len)));
    },
  },
  'get-random-u64': {
    params: [],
    result: u64,
    impl: () => crypto().randomBytes(8).readBigUInt64LE(),
  },
  'insecure-random': {
    params: [],
    result: tuple(u64, u64),
    impl: () => {
      const b = crypto().randomBytes(16);
      return [b.readBigUInt64LE(0), b.readBigUInt64LE(8)];
    },
  },
});
