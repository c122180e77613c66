import type { RunOptions } from '../runtime/command.js';
import { WasirunError, type GuestModule } from '../runtime/module.js';
import type { ServerCall } from './call.js';
import { prepareGuestWorker } from '../runtime/worker.js';
import { ServingInstance } from './instance.js';

export interface PoolOptions {
  /** Guest instances, each in its own worker thread. */
  readonly workers: number;
  /** Requests that may wait for an instance; past this, 503. */
  readonly queue: number;
  /** How long one request may run in the guest before 504 and a new instance. */
  readonly deadlineMs: number;
  /** Linear-memory limit of each instance, in bytes (the module was compiled with it). */
  readonly memoryLimit: number | undefined;
  readonly run: RunOptions;
  /** Where instance events (traps, replacements) are reported. */
  readonly log: (line: string) => void;
}

const RESTART_DELAY_MS = 1000;
/** How long after the start the thread for a replacement is booted. */
const SPARE_DELAY_MS = 1000;
/** How long a call may wait for a lower-numbered instance that is about to be idle. */
const HANDOFF_MS = 100;

/**
 * Guest instances that serve: a call goes to the lowest-numbered idle
 * instance (so calls made one after another reach the same instance, as
 * with wasi-go's single instance), else waits in a bounded queue. An
 * instance that traps or runs past its deadline is replaced; its call is
 * answered for it and no other call notices.
 */
export class InstancePool {
  private readonly instances: ServingInstance[] = [];
  private waiting: ServerCall[] = [];
  private closing = false;
  /** Hands waiting calls to idle instances if none became idle within HANDOFF_MS; one for all calls. */
  private flushTimer: NodeJS.Timeout | undefined;
  private startup: { resolve: () => void; reject: (err: Error) => void; pending: number } | undefined;

  private constructor(
    private readonly mod: GuestModule,
    private readonly options: PoolOptions,
  ) {}

  /** Starts every instance (each runs `_start`) and resolves when all are ready. */
  static async start(mod: GuestModule, options: PoolOptions): Promise<InstancePool> {
    const pool = new InstancePool(mod, options);
    await new Promise<void>((resolve, reject) => {
      pool.startup = { resolve, reject, pending: options.workers };
      for (let i = 0; i < options.workers; i++) pool.spawn(i);
    });
    pool.startup = undefined;
    // A replacement should not wait for a thread to boot: keep one ready. Not at once: its boot would
    // take a core from the first requests (a cold start's first response about 5 ms later here).
    setTimeout(prepareGuestWorker, SPARE_DELAY_MS).unref();
    return pool;
  }

  private spawn(index: number): void {
    this.instances[index] = new ServingInstance(
      index,
      this.mod,
      { ...this.options.run, memoryLimit: this.options.memoryLimit },
      this.options.deadlineMs,
      {
        idle: (instance) => {
          this.idle(instance);
        },
        took: () => {
          this.prefetch();
        },
        lost: (instance, reason, starting, waiting) => {
          this.waiting.unshift(...waiting);
          this.lost(instance, reason, starting);
        },
      },
    );
  }

  private idle(instance: ServingInstance): void {
    if (this.startup && --this.startup.pending === 0) this.startup.resolve();
    // Its own inbox first: filled just after the guest looked and found it empty.
    const next = instance.revoke() ?? this.nextWaiting() ?? this.steal();
    if (next) instance.assign(next);
  }

  /** A call waiting in a busy instance's inbox, taken back for an idle one. */
  private steal(): ServerCall | undefined {
    for (const other of this.instances) {
      const call = other.revoke();
      if (call) return call;
    }
    return undefined;
  }

  /**
   * While every instance is busy, puts waiting calls in the inboxes of busy
   * instances, each to the one with the fewest waiting there (the
   * lowest-numbered of those), so each guest takes its next request without
   * waiting for this thread, and none holds calls another could run sooner.
   */
  private prefetch(): void {
    for (let next = this.firstWaiting(); next; next = this.firstWaiting()) {
      let to: ServingInstance | undefined;
      for (const instance of this.instances)
        if (instance.state === 'busy' && instance.inboxed < (to?.inboxed ?? Infinity)) to = instance;
      if (!to?.prefetch(next)) return;
      this.waiting.shift();
    }
  }

  private lost(instance: ServingInstance, reason: string, starting: boolean): void {
    if (this.closing) return;
    if (this.startup) {
      this.startup.reject(new WasirunError('WASIRUN_LINK', reason));
      this.closing = true;
      void this.close(0);
      return;
    }
    this.options.log(
      `wasirun: instance ${instance.index} ${starting ? 'failed to start' : 'stopped'}: ${reason}; replacing it`,
    );
    const again = (): void => {
      if (!this.closing && this.instances[instance.index] === instance) this.spawn(instance.index);
    };
    if (starting) setTimeout(again, RESTART_DELAY_MS).unref();
    else again();
    prepareGuestWorker();
  }

  /**
   * Runs the call now or queues it. An instance whose response is complete
   * but whose `handle` has not returned yet is about to be idle: when it is
   * the lowest-numbered candidate, the call waits for it (100 ms at
   * most), so calls sent one after another keep reaching the same instance.
   */
  dispatch(call: ServerCall): 'accepted' | 'full' | 'closed' {
    if (this.closing) return 'closed';
    const first = this.instances.find((i) => i.state === 'idle' || i.finishing);
    if (first?.state === 'idle') {
      first.assign(call);
      return 'accepted';
    }
    // An instance about to be idle takes one call past the queue: with no queue, requests sent one
    // after another must not be refused in the moment between a response's end and `handle` returning.
    let room = this.options.queue;
    for (const instance of this.instances) if (instance.finishing) room++;
    if (this.queued >= room) {
      this.dropLeft();
      if (this.queued >= room) return 'full';
    }
    this.waiting.push(call);
    if (first) {
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = undefined;
        this.flush();
      }, HANDOFF_MS);
    } else {
      this.prefetch();
    }
    return 'accepted';
  }

  /**
   * The first waiting call whose client is still there. Calls whose clients
   * left are dropped here, or by {@link dropLeft}: a listener on every
   * waiting call cost more.
   */
  private firstWaiting(): ServerCall | undefined {
    while (this.waiting[0]?.res.closed) this.waiting.shift();
    return this.waiting[0];
  }

  /** Drops every waiting call whose client left (the queue looks full, or the pool counts its load). */
  private dropLeft(): void {
    this.waiting = this.waiting.filter((call) => !call.res.closed);
  }

  /** Takes the first waiting call whose client is still there. */
  private nextWaiting(): ServerCall | undefined {
    return this.firstWaiting() && this.waiting.shift();
  }

  /** Hands waiting calls to whatever instances are idle. */
  private flush(): void {
    for (const instance of this.instances) {
      const next = instance.state === 'idle' ? this.nextWaiting() : undefined;
      if (next) instance.assign(next);
    }
  }

  /** Calls waiting, in the queue or in the instances' inboxes. */
  private get queued(): number {
    return this.instances.reduce((n, i) => n + i.inboxed, this.waiting.length);
  }

  /** Calls running or waiting. */
  get load(): number {
    this.dropLeft();
    return this.waiting.length + this.instances.filter((i) => i.state === 'busy').length;
  }

  /**
   * Waits up to `graceMs` for running and queued calls, then stops every
   * instance. A guest blocked in a system call (a long sleep) cannot be
   * interrupted; its thread no longer keeps the process alive.
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const until = Date.now() + graceMs;
    while (this.load > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const call of this.waiting.splice(0)) call.answer(503, 'the server is shutting down');
    clearTimeout(this.flushTimer);
    await Promise.all(this.instances.map((i) => i.stop()));
  }
}
