import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Paths from `dist/bench/`. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const at = (...parts: string[]): string => ROOT + parts.join('/');
export const WASIRUN = at('dist', 'bundle', 'cli', 'bin.js');
export const fixture = (name: string): string => at('dist', 'bench', 'fixtures', `${name}.js`);

export interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resident set size now, in bytes (Linux; 0 elsewhere). */
  rss(): number;
  /** CPU time used so far by each of its threads by id, in seconds; the main thread's id is the pid (Linux; empty elsewhere). */
  threads(): Map<string, number>;
  stop(): Promise<void>;
}

export function rssOf(pid: number | undefined): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** The fields of a /proc stat file after the command name (in parentheses, and it may hold spaces): [0] is field 3, the state. */
function statFields(path: string): string[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function threadsOf(pid: number | undefined): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const fields = statFields(`/proc/${pid}/task/${tid}/stat`);
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / TICKS);
    }
  } catch {
    // Not Linux, or the process is gone.
  }
  return out;
}

/** CPU time used so far by this process's children that have ended and been waited for, in seconds (Linux; 0 elsewhere). */
export function childrenCpu(): number {
  try {
    const fields = statFields('/proc/self/stat');
    return (Number(fields[13]) + Number(fields[14])) / TICKS;
  } catch {
    return 0;
  }
}

/** Starts a server process and resolves once it prints `… at http://…` on stderr. */
export function startServer(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /at (http:\/\/\S+)/.exec(seen);
      if (!m?.[1]) return;
      child.stderr.removeAllListeners('data');
      child.stderr.resume();
      const url = m[1].endsWith('/') ? m[1] : `${m[1]}/`;
      resolve({
        url,
        child,
        rss: () => rssOf(child.pid),
        threads: () => threadsOf(child.pid),
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => {
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => {
      reject(new Error(`${args.join(' ')} exited with ${code}: ${seen}`));
    });
  });
}

/** Runs a process to its end; resolves to its stdout. */
export function run(command: string, args: string[], input?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${err}`));
    });
    child.stdin.end(input);
  });
}
