import type { ModuleSpec } from '../abi/host-function.js';
import { option } from '../abi/wit.js';
import { violation } from '../abi/trap.js';
import type { FutureResource, OutgoingRequestResource } from '../engine/resources.js';
import type { V1Host } from './host.js';
import { handle, requestOptions, type Options } from './wit-types.js';

/**
 * `default-outgoing-HTTP`: send a request. Failures are never traps: they
 * come back as the WIT `error` from `future-incoming-response-get`.
 */
export const outgoingHandlerImports = (host: V1Host): ModuleSpec => {
  const sent = new WeakSet<OutgoingRequestResource>();
  return {
    handle: {
      params: [
        ['request', handle],
        ['options', option(requestOptions)],
      ],
      result: handle,
      impl: (h: number, options: Options | undefined) => {
        const request = host.table.get(h, 'outgoing-request');
        if (sent.has(request)) violation(`outgoing-request ${h} was already sent`);
        sent.add(request);
        // Spelled out: an object spread with properties added after it costs microseconds in V8 11.
        const { method, scheme, authority, path, query } = request;
        const head = { method, scheme, authority, path, query, headers: request.headers.list() };
        const id = host.remote.send(head, request.bodyId, {
          connectTimeoutMs: options?.['connect-timeout-ms'],
          firstByteTimeoutMs: options?.['first-byte-timeout-ms'],
          betweenBytesTimeoutMs: options?.['between-bytes-timeout-ms'],
        });
        return host.table.insert({
          kind: 'future-incoming-response',
          id,
          answer: undefined,
        } satisfies FutureResource);
      },
    },
  };
};
