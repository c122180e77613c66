import type { ImportContext } from '../abi/host-function.js';
import type { Remote } from '../bridge/remote.js';
import type { HandleTable } from '../engine/handles.js';

/** What the v1 imports of one guest instance share. */
export interface V1Host extends ImportContext {
  readonly table: HandleTable;
  readonly remote: Remote;
  /** Prints guest text to the instance's stdout (1) or stderr (2). */
  readonly print: (fd: 1 | 2, text: string) => void;
}
