import type { ModuleSpec } from '../abi/host-function.js';
import { u64 } from '../abi/wit.js';
import { PollKind } from '../bridge/ops.js';
import type { PollableResource, StreamResource } from '../engine/resources.js';
import type { V1Host } from './host.js';
import { bytes, countResult, err, handle, ok, readResult, writeResult } from './wit-types.js';

const MAX_WRITE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * `streams` (with the next revision's `blocking-*` functions). Reads wait for
 * min(len, 1 MiB, the rest of the body) and writes take every byte, so the
 * blocking and non-blocking forms behave the same: guests of the era read
 * once and ignore `end`, and ignore the count a write returns.
 */
export function streamsImports(host: V1Host): ModuleSpec {
  const stream = (h: number, kind: StreamResource['kind']): number => host.table.get(h, kind).id;

  const read = {
    params: [
      ['this', handle],
      ['len', u64],
    ],
    result: readResult,
    impl: (s: number, len: bigint) => {
      const got = host.remote.inRead(stream(s, 'input-stream'), len > 0x7fffffffn ? 0x7fffffff : Number(len));
      return got ? ok([got.bytes, got.end]) : err({});
    },
  } as const;

  const skip = {
    params: [
      ['this', handle],
      ['len', u64],
    ],
    result: countResult,
    impl: (s: number, len: bigint) => {
      const got = host.remote.inSkip(stream(s, 'input-stream'), len);
      return got ? ok([got.count, got.end]) : err({});
    },
  } as const;

  const write = {
    params: [
      ['this', handle],
      ['buf', bytes],
    ],
    result: writeResult,
    impl: (s: number, buf: Uint8Array) => {
      const n = host.remote.outWrite(stream(s, 'output-stream'), buf.length, (into, at, offset, len) => {
        // Most writes go in one piece: no view of the piece is made.
        into.set(len === buf.length ? buf : buf.subarray(offset, offset + len), at);
      });
      return n === 0 && buf.length > 0 ? err({}) : ok(BigInt(n));
    },
  } as const;

  const writeZeroes = {
    params: [
      ['this', handle],
      ['len', u64],
    ],
    result: writeResult,
    impl: (s: number, len: bigint) => {
      const total = Number(len > MAX_WRITE ? MAX_WRITE : len);
      const n = host.remote.outWrite(stream(s, 'output-stream'), total, (into, at, _offset, count) => {
        into.fill(0, at, at + count);
      });
      return n === 0 && total > 0 ? err({}) : ok(BigInt(n));
    },
  } as const;

  const splice = {
    params: [
      ['this', handle],
      ['src', handle],
      ['len', u64],
    ],
    result: countResult,
    impl: (out: number, src: number, len: bigint) => {
      const got = host.remote.splice(stream(out, 'output-stream'), stream(src, 'input-stream'), len);
      return got ? ok([got.count, got.end]) : err({});
    },
  } as const;

  const subscribe = (kind: StreamResource['kind'], target: PollKind) =>
    ({
      params: [['this', handle]],
      result: handle,
      impl: (s: number) =>
        host.table.insert({ kind: 'pollable', target, id: stream(s, kind) } satisfies PollableResource),
    }) as const;

  return {
    read,
    'blocking-read': read,
    skip,
    'blocking-skip': skip,
    write,
    'blocking-write': write,
    'write-zeroes': writeZeroes,
    'blocking-write-zeroes': writeZeroes,
    splice,
    'blocking-splice': splice,
    forward: {
      params: [
        ['this', handle],
        ['src', handle],
      ],
      result: writeResult,
      impl: (out: number, src: number) => {
        const n = host.remote.forward(stream(out, 'output-stream'), stream(src, 'input-stream'));
        return n === undefined ? err({}) : ok(n);
      },
    },
    'subscribe-to-input-stream': subscribe('input-stream', PollKind.Input),
    'subscribe-to-output-stream': subscribe('output-stream', PollKind.Output),
    'drop-input-stream': {
      params: [['this', handle]],
      impl: (s: number) => {
        const found = host.table.remove(s, 'input-stream');
        if (found) host.remote.inDrop(found.id);
      },
    },
    'drop-output-stream': {
      params: [['this', handle]],
      impl: (s: number) => {
        const found = host.table.remove(s, 'output-stream');
        if (found) host.remote.outDrop(found.id);
      },
    },
  };
}
