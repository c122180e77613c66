/** Gives a message's ring space back; calling it again does nothing. */
export type Release = () => void;

/**
 * Ring space the I/O thread has read past but may not give back yet: a
 * written chunk lent to the network straight from the ring (no copy) stays
 * there until the socket has sent it. Space is given back in ring order,
 * so the guest's read position `Head` moves to the end of the oldest
 * stretch still held. See RATIONALE.md, "Bodies across threads".
 */
export class HeldSpace {
  /** Ends of the messages read since the oldest one still held, and whether each is given back. */
  private readonly queue: { end: number; free: boolean }[] = [];

  /** `publish` moves the guest's `Head` to a ring position. */
  constructor(private readonly publish: (head: number) => void) {}

  /** A message ending at `end` was read; `held` unless it is to be given back now. */
  passed(end: number, held: boolean): Release | undefined {
    if (!held && this.queue.length === 0) {
      this.publish(end);
      return undefined;
    }
    const entry = { end, free: !held };
    this.queue.push(entry);
    if (!held) return undefined;
    return () => {
      if (entry.free) return;
      entry.free = true;
      this.giveBack();
    };
  }

  private giveBack(): void {
    let head: number | undefined;
    while (this.queue[0]?.free) head = (this.queue.shift() as { end: number }).end;
    if (head !== undefined) this.publish(head);
  }
}

/** One message's space lent out while it is served: given back when the borrower releases it. */
export class Loan {
  private release: Release | undefined;
  private returned = false;

  /** For the borrower. */
  lend(): Release {
    return () => {
      if (this.release) this.release();
      else this.returned = true;
    };
  }

  /** Once the message is read past: `release` gives its space back. */
  settle(release: Release | undefined): void {
    if (this.returned) release?.();
    else this.release = release;
  }
}
