import { readdirSync, readFileSync } from 'node:fs';

// CPU a process spends, per thread, read from Linux's /proc (clock ticks of 1/100 s: USER_HZ).
// It tells where a server's time goes, and how much of the machine it took, beside how fast it was.

const USER_HZ = 100;

/** CPU milliseconds each thread of process `pid` has used so far; empty where /proc is not. */
export function threadCpuMs(pid: number): Map<string, number> {
  const threads = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime and stime
    // are the 14th and 15th fields of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    threads.set(tid, ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ);
  }
  return threads;
}

export interface CpuPerOp {
  /** Every thread of the process: what it costs the machine. */
  readonly total: number;
  /** The busiest thread other than the main one (for the server: the store's thread). */
  readonly busiestWorker: number;
}

/** µs of CPU per op that process `pid` spent between two `threadCpuMs` readings. */
export function cpuPerOp(
  pid: number,
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  ops: number,
): CpuPerOp {
  const spent = [...after].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const);
  const workers = spent.filter(([tid]) => tid !== String(pid)).map(([, ms]) => ms);
  const total = spent.reduce((sum, [, ms]) => sum + ms, 0);
  return { total: (total * 1000) / ops, busiestWorker: (Math.max(0, ...workers) * 1000) / ops };
}
