import type { ModuleSpec } from '../../abi/host-function.js';
import { option, result, string } from '../../abi/wit.js';
import type {
  IncomingRequestResource,
  OutgoingRequestResource,
  StreamResource,
} from '../../engine/resources.js';
import type { V1Host } from '../host.js';
import { err, handle, method, ok, scheme, type Method, type Scheme } from '../wit-types.js';
import { fieldsOf, newFieldsHandle } from './fields.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

/** The method's name on the wire: a standard one in capitals, `other` verbatim. */
const methodName = (m: Method): string => (m.tag === 'other' ? (m.val ?? '') : m.tag.toUpperCase());

/** The WIT value for a method name. */
const methodValue = (name: string): Method =>
  METHODS.includes(name) ? { tag: name.toLowerCase() } : { tag: 'other', val: name };

const schemeName = (s: Scheme): string | undefined =>
  s === undefined ? undefined : s.tag === 'other' ? (s.val ?? '') : s.tag.toLowerCase();

const schemeValue = (name: string | undefined): Scheme =>
  name === undefined
    ? undefined
    : name === 'http'
      ? { tag: 'HTTP' }
      : name === 'https'
        ? { tag: 'HTTPS' }
        : { tag: 'other', val: name };

const incoming = (host: V1Host, h: number): IncomingRequestResource => host.table.get(h, 'incoming-request');

/** `types`: `outgoing-request` and `incoming-request`. */
export const requestImports = (host: V1Host): ModuleSpec => ({
  'new-outgoing-request': {
    params: [
      ['method', method],
      ['path', string],
      ['query', string],
      ['scheme', option(scheme)],
      ['authority', string],
      ['headers', handle],
    ],
    result: handle,
    impl: (m: Method, path: string, query: string, s: Scheme, authority: string, headers: number) =>
      host.table.insert({
        kind: 'outgoing-request',
        method: methodName(m),
        scheme: schemeName(s),
        authority,
        path,
        query,
        headers: fieldsOf(host, headers),
        bodyId: 0,
      } satisfies OutgoingRequestResource),
  },
  'outgoing-request-write': {
    params: [['request', handle]],
    result: result(handle),
    impl: (h: number) => {
      const request = host.table.get(h, 'outgoing-request');
      if (request.bodyId !== 0) return err(undefined);
      request.bodyId = host.remote.outNew();
      return ok(host.table.insert({ kind: 'output-stream', id: request.bodyId } satisfies StreamResource));
    },
  },
  'drop-outgoing-request': {
    params: [['request', handle]],
    impl: (h: number) => {
      host.table.remove(h, 'outgoing-request');
    },
  },
  'incoming-request-method': {
    params: [['request', handle]],
    result: method,
    impl: (h: number) => methodValue(incoming(host, h).head.method),
  },
  'incoming-request-path': {
    params: [['request', handle]],
    result: string,
    impl: (h: number) => incoming(host, h).head.path,
  },
  'incoming-request-query': {
    params: [['request', handle]],
    result: string,
    impl: (h: number) => incoming(host, h).head.query,
  },
  'incoming-request-scheme': {
    params: [['request', handle]],
    result: option(scheme),
    impl: (h: number) => schemeValue(incoming(host, h).head.scheme),
  },
  'incoming-request-authority': {
    params: [['request', handle]],
    result: string,
    impl: (h: number) => incoming(host, h).head.authority,
  },
  'incoming-request-headers': {
    params: [['request', handle]],
    result: handle,
    impl: (h: number) => newFieldsHandle(host, incoming(host, h).headers),
  },
  'incoming-request-consume': {
    params: [['request', handle]],
    result: result(handle),
    impl: (h: number) => {
      const request = incoming(host, h);
      if (request.consumed) return err(undefined);
      request.consumed = true;
      return ok(host.table.insert({ kind: 'input-stream', id: request.bodyId } satisfies StreamResource));
    },
  },
  'drop-incoming-request': {
    params: [['request', handle]],
    impl: (h: number) => {
      const request = host.table.remove(h, 'incoming-request');
      if (request && !request.consumed) host.remote.inDrop(request.bodyId);
    },
  },
});
