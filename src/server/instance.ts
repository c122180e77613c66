import type { Worker } from 'node:worker_threads';
import { InboxWriter } from '../bridge/inbox.js';
import type { IoEnd } from '../bridge/io-end.js';
import { encodeRequestHead } from '../bridge/request-head.js';
import type { IncomingCall } from '../engine/io/served.js';
import type { IoSession } from '../engine/io/session.js';
import type { WorkerReport } from '../guest/worker.js';
import { guestInit, openIoSide, type RunOptions } from '../runtime/command.js';
import { startGuestWorker } from '../runtime/worker.js';
import type { GuestModule } from '../runtime/module.js';
import type { ServerCall } from './call.js';

const STOP_WAIT_MS = 1000;
/** How long a dead guest's last messages may take to be served. */
const SETTLE_MS = 1000;

export interface InstanceEvents {
  /** The instance waits for a call (its first wait means it is ready). */
  idle(instance: ServingInstance): void;
  /** The guest took the call in its inbox: the inbox can take another. */
  took(instance: ServingInstance): void;
  /** The instance is gone: it trapped, ran past its deadline, or could not start. `waiting` were in its inbox, not started. */
  lost(instance: ServingInstance, reason: string, starting: boolean, waiting: ServerCall[]): void;
}

/**
 * One guest instance serving requests, in its own worker thread, with its
 * own channel and I/O session on this thread. It runs one call at a time;
 * a call running past `deadlineMs` terminates it.
 */
export class ServingInstance {
  state: 'starting' | 'idle' | 'busy' | 'gone' = 'starting';
  call: ServerCall | undefined;
  private readonly worker: Worker;
  private readonly io: IoEnd;
  private readonly session: IoSession;
  private handOut: ((call: IncomingCall) => void) | undefined;
  /**
   * One timer per instance, not one per call: it is armed when a call starts
   * and none is pending, and when it fires for a call that started later, it
   * re-arms for that call's remaining time.
   */
  private deadline: NodeJS.Timeout | undefined;
  /** When the current call started (performance.now()). */
  private started = 0;
  private readonly inbox: InboxWriter;
  /** The calls in the inbox, oldest first: the guest takes them when it is done with the current one. */
  private next: { token: number; slot: number; call: ServerCall }[] = [];
  private tokens = 0;

  constructor(
    readonly index: number,
    mod: GuestModule,
    options: RunOptions & { memoryLimit: number | undefined },
    private readonly deadlineMs: number,
    private readonly events: InstanceEvents,
  ) {
    const { sab, session, io } = openIoSide(options, {
      calls: () => this.waitForCall(),
      took: (token) => this.took(token),
    });
    this.session = session;
    this.io = io;
    this.inbox = new InboxWriter(sab);
    const init = {
      ...guestInit(mod, options, sab),
      mode: 'serve' as const,
      memoryLimit: options.memoryLimit,
    };
    this.worker = startGuestWorker(init);
    let reported = false;
    this.worker.on('message', (report: WorkerReport) => {
      reported = true;
      // The guest stopped on its own: what it posted before, it finished.
      void this.io.settle(SETTLE_MS).then(() => {
        this.lose(report.kind === 'exit' ? `the guest exited with code ${report.code}` : report.message);
      });
    });
    this.worker.on('error', (err) => {
      this.lose(`the guest's worker failed: ${err.message}`);
    });
    this.worker.on('exit', (code) => {
      if (!reported) this.lose(`the guest's worker stopped with code ${code}`);
    });
  }

  /** The guest asks for its next call: the previous one, if any, has returned. */
  private waitForCall(): Promise<IncomingCall> {
    this.call = undefined;
    this.state = 'idle';
    const next = new Promise<IncomingCall>((resolve) => {
      this.handOut = resolve;
    });
    this.events.idle(this);
    return next;
  }

  /** Gives an idle instance a call. */
  assign(call: ServerCall): void {
    const handOut = this.handOut;
    if (this.state !== 'idle' || !handOut) throw new Error(`instance ${this.index} is not idle`);
    this.handOut = undefined;
    this.start(call);
    handOut(call);
  }

  /**
   * Puts a call in the inbox of this busy instance, for its guest to take as
   * soon as it is done with the current one, without waiting for this thread.
   */
  prefetch(call: ServerCall): boolean {
    if (this.state !== 'busy') return false;
    const token = ++this.tokens;
    const slot = this.inbox.put((c) => encodeRequestHead(c.u32(token), call.head));
    if (slot < 0) return false;
    this.next.push({ token, slot, call });
    return true;
  }

  /** Takes back the newest call in the inbox, if the guest has not taken it yet (for an instance that is idle). */
  revoke(): ServerCall | undefined {
    const newest = this.next.at(-1);
    if (!newest || !this.inbox.revoke(newest.slot)) return undefined;
    return this.next.pop()?.call;
  }

  /** The guest took the oldest call in its inbox (and so returned from the one before). */
  private took(token: number): IncomingCall {
    const next = this.next.shift();
    if (next?.token !== token) throw new Error(`instance ${this.index} took a request it was not given`);
    this.start(next.call);
    this.events.took(this);
    return next.call;
  }

  private start(call: ServerCall): void {
    this.state = 'busy';
    this.call = call;
    call.instance = this.index;
    this.started = performance.now();
    if (!this.deadline) this.armDeadline(this.deadlineMs);
  }

  private armDeadline(ms: number): void {
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      const call = this.call;
      if (this.state !== 'busy' || !call) return;
      const left = this.started + this.deadlineMs - performance.now();
      if (left > 0) {
        this.armDeadline(left);
        return;
      }
      this.call = undefined;
      call.abandon(504, `the guest did not finish handling the request within ${this.deadlineMs} ms`);
      this.lose(`it ran past the ${this.deadlineMs} ms deadline`);
    }, ms);
    // An idle instance's timer must not keep the process alive.
    this.deadline.unref();
  }

  /** Ends the instance; its call, if any, is answered for it. */
  lose(reason: string): void {
    if (this.state === 'gone') return;
    const starting = this.state === 'starting';
    this.state = 'gone';
    this.end();
    this.call?.abandon(500, reason);
    // A call the guest took from its inbox was its last: it is answered like the current one. The rest never started.
    const waiting = this.next.filter((n) => this.inbox.waiting(n.slot)).map((n) => n.call);
    for (const n of this.next) if (!waiting.includes(n.call)) n.call.abandon(500, reason);
    this.next = [];
    this.events.lost(this, reason, starting, waiting);
  }

  /**
   * Stops the instance (the server is closing); a call still running is
   * answered 503. Resolves when its thread is gone, or after STOP_WAIT_MS if
   * the guest is blocked in a system call (its thread no longer keeps the
   * process alive either way).
   */
  stop(): Promise<void> {
    this.state = 'gone';
    this.call?.abandon(503, 'the server is shutting down');
    for (const { call } of this.next.splice(0)) call.answer(503, 'the server is shutting down');
    const stopped = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, STOP_WAIT_MS);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.end();
    return stopped;
  }

  /** Calls waiting in the inbox. */
  get inboxed(): number {
    return this.next.length;
  }

  /** The response is complete and only `handle` returning is left: the instance is about to be idle. */
  get finishing(): boolean {
    return this.state === 'busy' && this.call?.res.writableEnded === true;
  }

  /**
   * Terminates the worker without waiting for it: a guest blocked in a
   * system call (a long sleep) only stops when the call returns, and must
   * not hold up the server, nor keep the process alive.
   */
  private end(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
    this.io.stop();
    this.session.close();
    void this.worker.terminate();
    this.worker.unref();
  }
}
