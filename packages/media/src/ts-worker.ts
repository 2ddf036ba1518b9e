import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module. The repository runs its TypeScript without a
 * build step and a worker does not inherit the main thread's loader, so the worker registers
 * tsx before importing `module`. tsx is resolved here: evaluated code would resolve it from the
 * working directory.
 */
export function startTsWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const source = `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(source, { ...options, eval: true });
}
