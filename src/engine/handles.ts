import { violation } from '../abi/trap.js';
import type { Resource, ResourceKind, ResourceOf } from './resources.js';

/**
 * The guest's handles: one table for every resource type, so a handle of the
 * wrong type is caught by name. Handles start at 1 (guests read 0 as failure)
 * and are never reused, so a double drop cannot hit a newer resource.
 */
export class HandleTable {
  private next = 1;
  private readonly resources = new Map<number, Resource>();

  insert(resource: Resource): number {
    const handle = this.next++;
    this.resources.set(handle, resource);
    return handle;
  }

  get<K extends ResourceKind>(handle: number, kind: K): ResourceOf<K> {
    const found = this.resources.get(handle);
    if (!found) return violation(`unknown ${kind} handle ${handle}`);
    if (found.kind !== kind)
      return violation(
        `handle ${handle} is ${article(found.kind)} ${found.kind}, not ${article(kind)} ${kind}`,
      );
    return found as ResourceOf<K>;
  }

  /** Removes and returns the resource; an unknown handle or one of another type is left alone. */
  remove<K extends ResourceKind>(handle: number, kind: K): ResourceOf<K> | undefined {
    const found = this.resources.get(handle);
    if (found?.kind !== kind) return undefined;
    this.resources.delete(handle);
    return found as ResourceOf<K>;
  }

  /** The handle the next insert will get: handles from a mark on were made after it. */
  get mark(): number {
    return this.next;
  }

  /** Forgets every handle made since `mark`. */
  releaseSince(mark: number): void {
    for (const handle of this.resources.keys()) if (handle >= mark) this.resources.delete(handle);
  }

  get size(): number {
    return this.resources.size;
  }
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');
