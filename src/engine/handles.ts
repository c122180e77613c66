import { violation } from '../abi/trap.js';
import type { Resource, ResourceKind, ResourceOf } from './resources.js';

/**
 * The guest's handles: one table for every resource type, so a handle of the
 * wrong type is caught by name. Handles start at 1 (guests read 0 as failure)
 * and are never reused, so a double drop cannot hit a newer resource.
 *
 * A served request's handles end with its call (see RATIONALE.md): they are
 * kept apart, in an array by their order in the call, which is emptied when
 * the call ends. A map, filled and emptied at every request, cost more than
 * the rest of the table's work; handles made outside a call (by `_start`, or
 * by a command) stay in one until dropped.
 */
export class HandleTable {
  private next = 1;
  private readonly lasting = new Map<number, Resource>();
  /** The current call's resources, by handle − {@link callStart}; a dropped one is undefined. */
  private readonly call: (Resource | undefined)[] = [];
  /** The first handle of the current call; 0 outside a call. */
  private callStart = 0;

  insert(resource: Resource): number {
    const handle = this.next++;
    if (this.callStart > 0) this.call.push(resource);
    else this.lasting.set(handle, resource);
    return handle;
  }

  private find(handle: number): Resource | undefined {
    return this.callStart > 0 && handle >= this.callStart
      ? this.call[handle - this.callStart]
      : this.lasting.get(handle);
  }

  get<K extends ResourceKind>(handle: number, kind: K): ResourceOf<K> {
    const found = this.find(handle);
    if (!found) return violation(`unknown ${kind} handle ${handle}`);
    if (found.kind !== kind)
      return violation(
        `handle ${handle} is ${article(found.kind)} ${found.kind}, not ${article(kind)} ${kind}`,
      );
    return found as ResourceOf<K>;
  }

  /** Removes and returns the resource; an unknown handle or one of another type is left alone. */
  remove<K extends ResourceKind>(handle: number, kind: K): ResourceOf<K> | undefined {
    const found = this.find(handle);
    if (found?.kind !== kind) return undefined;
    if (this.callStart > 0 && handle >= this.callStart) this.call[handle - this.callStart] = undefined;
    else this.lasting.delete(handle);
    return found as ResourceOf<K>;
  }

  /** A call begins: the handles made from now on end with it. */
  beginCall(): void {
    this.callStart = this.next;
  }

  /** The call has returned: every handle it made is forgotten. */
  endCall(): void {
    this.callStart = 0;
    this.call.length = 0;
  }

  get size(): number {
    let n = this.lasting.size;
    for (const r of this.call) if (r) n++;
    return n;
  }
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');
