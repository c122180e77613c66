import type { Worker } from 'node:worker_threads';
import type { IoEnd } from '../bridge/io-end.js';
import type { IncomingCall } from '../engine/io/served.js';
import type { IoSession } from '../engine/io/session.js';
import type { WorkerReport } from '../guest/worker.js';
import { guestInit, openIoSide, type RunOptions } from '../runtime/command.js';
import { startGuestWorker } from '../runtime/worker.js';
import type { GuestModule } from '../runtime/module.js';
import type { ServerCall } from './call.js';

const STOP_WAIT_MS = 1000;

export interface InstanceEvents {
  /** The instance waits for a call (its first wait means it is ready). */
  idle(instance: ServingInstance): void;
  /** The instance is gone: it trapped, ran past its deadline, or could not start. */
  lost(instance: ServingInstance, reason: string, starting: boolean): void;
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
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    readonly index: number,
    mod: GuestModule,
    options: RunOptions & { memoryLimit: number | undefined },
    private readonly deadlineMs: number,
    private readonly events: InstanceEvents,
  ) {
    const { sab, session, io } = openIoSide(options, () => this.waitForCall());
    this.session = session;
    this.io = io;
    const init = {
      ...guestInit(mod, options, sab),
      mode: 'serve' as const,
      memoryLimit: options.memoryLimit,
    };
    this.worker = startGuestWorker(init);
    this.worker.on('message', (report: WorkerReport) => {
      this.lose(report.kind === 'exit' ? `the guest exited with code ${report.code}` : report.message);
    });
    this.worker.on('error', (err) => {
      this.lose(`the guest's worker failed: ${err.message}`);
    });
    this.worker.on('exit', (code) => {
      this.lose(`the guest's worker stopped with code ${code}`);
    });
  }

  /** The guest asks for its next call: the previous one, if any, has returned. */
  private waitForCall(): Promise<IncomingCall> {
    clearTimeout(this.deadline);
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
    this.state = 'busy';
    this.call = call;
    call.instance = this.index;
    this.deadline = setTimeout(() => {
      this.call = undefined;
      call.abandon(504, `the guest did not finish handling the request within ${this.deadlineMs} ms`);
      this.lose(`it ran past the ${this.deadlineMs} ms deadline`);
    }, this.deadlineMs);
    handOut(call);
  }

  /** Ends the instance; its call, if any, is answered for it. */
  lose(reason: string): void {
    if (this.state === 'gone') return;
    const starting = this.state === 'starting';
    this.state = 'gone';
    this.end();
    this.call?.abandon(500, reason);
    this.events.lost(this, reason, starting);
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
    this.io.stop();
    this.session.close();
    void this.worker.terminate();
    this.worker.unref();
  }
}
