import type { ModuleSpec } from '../../abi/host-function.js';
import { list, string } from '../../abi/wit.js';
import { Fields } from '../../engine/fields.js';
import type { FieldsResource } from '../../engine/resources.js';
import type { V1Host } from '../host.js';
import { entries, handle, type Entries } from '../wit-types.js';

/** Registers fields with the guest and returns the new handle. */
export const newFieldsHandle = (host: V1Host, fields: Fields): number =>
  host.table.insert({ kind: 'fields', fields } satisfies FieldsResource);

/** The fields behind a handle the guest passed. */
export const fieldsOf = (host: V1Host, h: number): Fields => host.table.get(h, 'fields').fields;

/** `types`: the `fields` resource. Names match case-insensitively; every value is its own entry. */
export const fieldsImports = (host: V1Host): ModuleSpec => ({
  'new-fields': {
    params: [['entries', entries]],
    result: handle,
    impl: (list: Entries) => newFieldsHandle(host, new Fields(list)),
  },
  'fields-get': {
    params: [
      ['fields', handle],
      ['name', string],
    ],
    result: list(string),
    impl: (f: number, name: string) => fieldsOf(host, f).get(name),
  },
  'fields-set': {
    params: [
      ['fields', handle],
      ['name', string],
      ['value', list(string)],
    ],
    impl: (f: number, name: string, values: string[]) => {
      fieldsOf(host, f).set(name, values);
    },
  },
  'fields-delete': {
    params: [
      ['fields', handle],
      ['name', string],
    ],
    impl: (f: number, name: string) => {
      fieldsOf(host, f).delete(name);
    },
  },
  'fields-append': {
    params: [
      ['fields', handle],
      ['name', string],
      ['value', string],
    ],
    impl: (f: number, name: string, value: string) => {
      fieldsOf(host, f).append(name, value);
    },
  },
  'fields-entries': {
    params: [['fields', handle]],
    result: entries,
    impl: (f: number) => fieldsOf(host, f).list(),
  },
  'fields-clone': {
    params: [['fields', handle]],
    result: handle,
    impl: (f: number) => newFieldsHandle(host, fieldsOf(host, f).clone()),
  },
  'drop-fields': {
    params: [['fields', handle]],
    impl: (f: number) => {
      host.table.remove(f, 'fields');
    },
  },
});
