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

  /** A message ending at `end` was read: its space goes back, after any still held before it. */
  pass(end: number): void {
    if (this.queue.length === 0) this.publish(end);
    else this.queue.push({ end, free: true });
  }

  /** The message ending at `end`, being read, keeps its space until the returned release is called. */
  hold(end: number): Release {
    const entry = { end, free: false };
    this.queue.push(entry);
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
