import {
  enumeration,
  list,
  option,
  record,
  string,
  tuple,
  u32,
  u64,
  bool,
  variant,
  result,
} from '../abi/wit.js';

/** WIT types of the v1 interfaces (spec commit 244e068), shared by the import modules. */
export const handle = u32;

export const method = variant([
  ['get', undefined],
  ['head', undefined],
  ['post', undefined],
  ['put', undefined],
  ['delete', undefined],
  ['connect', undefined],
  ['options', undefined],
  ['trace', undefined],
  ['patch', undefined],
  ['other', string],
]);

export const scheme = variant([
  ['HTTP', undefined],
  ['HTTPS', undefined],
  ['other', string],
]);

export const error = variant([
  ['invalid-url', string],
  ['timeout-error', string],
  ['protocol-error', string],
  ['unexpected-error', string],
]);

export const entries = list(tuple(string, string));

export const requestOptions = record([
  ['connect-timeout-ms', option(u32)],
  ['first-byte-timeout-ms', option(u32)],
  ['between-bytes-timeout-ms', option(u32)],
]);

export const streamError = record([]);
export const bytes = list({ kind: 'u8' });
export const readResult = result(tuple(bytes, bool), streamError);
export const countResult = result(tuple(u64, bool), streamError);
export const writeResult = result(u64, streamError);
export const level = enumeration(['trace', 'debug', 'info', 'warn', 'error']);

/** JavaScript shapes of the values above, as `abi/values.ts` lifts them. */
export type Method = { tag: string; val?: string };
export type Scheme = { tag: 'HTTP' | 'HTTPS' | 'other'; val?: string } | undefined;
export type Entries = [string, string][];
export interface Options {
  'connect-timeout-ms'?: number;
  'first-byte-timeout-ms'?: number;
  'between-bytes-timeout-ms'?: number;
}

/** The WIT `result` values the imports return. */
export const ok = <T>(val: T): { tag: 'ok'; val: T } => ({ tag: 'ok', val });
export const err = <T>(val: T): { tag: 'err'; val: T } => ({ tag: 'err', val });
