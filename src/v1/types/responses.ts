import type { ModuleSpec } from '../../abi/host-function.js';
import { option, result, u16 } from '../../abi/wit.js';
import { Fields } from '../../engine/fields.js';
import type {
  FutureResource,
  IncomingResponseResource,
  OutgoingResponseResource,
  PollableResource,
  StreamResource,
} from '../../engine/resources.js';
import { PollKind } from '../../bridge/ops.js';
import type { V1Host } from '../host.js';
import { err, error, handle, ok } from '../wit-types.js';
import { fieldsOf, newFieldsHandle } from './fields.js';

const incoming = (host: V1Host, h: number): IncomingResponseResource =>
  host.table.get(h, 'incoming-response');

/** The future's answer as the WIT value, creating the response handle the first time. */
function answer(host: V1Host, future: FutureResource): unknown {
  if (!future.answer) {
    const response = host.remote.futureGet(future.id);
    if (!response) return undefined;
    const h =
      response.tag === 'ok'
        ? host.table.insert({
            kind: 'incoming-response',
            status: response.status,
            headers: new Fields(response.headers),
            bodyId: response.bodyId,
            consumed: false,
          } satisfies IncomingResponseResource)
        : 0;
    future.answer = { response, handle: h };
  }
  const { response, handle: h } = future.answer;
  return response.tag === 'ok' ? ok(h) : err({ tag: response.errorTag, val: response.message });
}

type Outcome = { tag: 'ok'; val: number } | { tag: 'err'; val: { tag: string; val: string } };

/** `types`: responses both ways, the response outparam and the future of an outgoing request. */
export const responseImports = (host: V1Host): ModuleSpec => ({
  'incoming-response-status': {
    params: [['response', handle]],
    result: u16,
    impl: (h: number) => incoming(host, h).status,
  },
  'incoming-response-headers': {
    params: [['response', handle]],
    result: handle,
    impl: (h: number) => newFieldsHandle(host, incoming(host, h).headers),
  },
  'incoming-response-consume': {
    params: [['response', handle]],
    result: result(handle),
    impl: (h: number) => {
      const response = incoming(host, h);
      if (response.consumed) return err(undefined);
      response.consumed = true;
      return ok(host.table.insert({ kind: 'input-stream', id: response.bodyId } satisfies StreamResource));
    },
  },
  'drop-incoming-response': {
    params: [['response', handle]],
    impl: (h: number) => {
      const response = host.table.remove(h, 'incoming-response');
      if (response && !response.consumed) host.remote.inDrop(response.bodyId);
    },
  },
  'new-outgoing-response': {
    params: [
      ['status-code', u16],
      ['headers', handle],
    ],
    result: handle,
    impl: (status: number, headers: number) =>
      host.table.insert({
        kind: 'outgoing-response',
        status,
        headers: fieldsOf(host, headers),
        bodyId: host.remote.outNew(true),
        written: false,
      } satisfies OutgoingResponseResource),
  },
  'outgoing-response-write': {
    params: [['response', handle]],
    result: result(handle),
    impl: (h: number) => {
      const response = host.table.get(h, 'outgoing-response');
      if (response.written) return err(undefined);
      response.written = true;
      return ok(host.table.insert({ kind: 'output-stream', id: response.bodyId } satisfies StreamResource));
    },
  },
  'drop-outgoing-response': {
    params: [['response', handle]],
    impl: (h: number) => {
      host.table.remove(h, 'outgoing-response');
    },
  },
  'set-response-outparam': {
    params: [
      ['param', handle],
      ['response', result(handle, error)],
    ],
    result: result(),
    impl: (p: number, outcome: Outcome) => {
      const param = host.table.get(p, 'response-outparam');
      if (param.set) return err(undefined);
      param.set = true;
      if (outcome.tag === 'err') {
        host.remote.respondError(param.id, outcome.val.tag, outcome.val.val);
      } else {
        const response = host.table.get(outcome.val, 'outgoing-response');
        host.remote.respond(param.id, response.status, response.headers.list(), response.bodyId);
      }
      return ok(undefined);
    },
  },
  'drop-response-outparam': {
    params: [['response', handle]],
    impl: (h: number) => {
      host.table.remove(h, 'response-outparam');
    },
  },
  'future-incoming-response-get': {
    params: [['f', handle]],
    result: option(result(handle, error)),
    impl: (h: number) => answer(host, host.table.get(h, 'future-incoming-response')),
  },
  'listen-to-future-incoming-response': {
    params: [['f', handle]],
    result: handle,
    impl: (h: number) => {
      const future = host.table.get(h, 'future-incoming-response');
      return host.table.insert({
        kind: 'pollable',
        target: PollKind.Future,
        id: future.id,
      } satisfies PollableResource);
    },
  },
  'drop-future-incoming-response': {
    params: [['f', handle]],
    impl: (h: number) => {
      const future = host.table.remove(h, 'future-incoming-response');
      if (future) host.remote.futureDrop(future.id);
    },
  },
});
