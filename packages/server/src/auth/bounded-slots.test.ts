import { describe, expect, it } from 'vitest';
import { BoundedSlots, SlotsFull } from './bounded-slots.js';

interface Pending {
  task: () => Promise<number>;
  finish: () => void;
}

/** A task that runs until its `finish` is called, recording when it started. */
function pending(started: number[], id: number): Pending {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      started.push(id);
      await done;
      return id;
    },
    finish: () => {
      finish();
    },
  };
}

describe('BoundedSlots', () => {
  it('runs at most `running` tasks, queues `waiting` more in order and refuses the rest', async () => {
    const slots = new BoundedSlots(2, 1);
    const started: number[] = [];
    const [t0, t1, t2, t3] = [
      pending(started, 0),
      pending(started, 1),
      pending(started, 2),
      pending(started, 3),
    ] as const;
    const results = [t0, t1, t2, t3].map((t) => slots.run(t.task));
    await expect(results[3]).rejects.toBeInstanceOf(SlotsFull);
    await Promise.resolve();
    expect(started).toEqual([0, 1]);

    t1.finish();
    expect(await results[1]).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);

    t0.finish();
    t2.finish();
    expect(await Promise.all(results.slice(0, 3))).toEqual([0, 1, 2]);
    // Every slot is free again: two run at once, one waits.
    const again = [4, 5, 6].map((id) => pending(started, id));
    const more = again.map((t) => slots.run(t.task));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.slice(3)).toEqual([4, 5]);
    for (const t of again) t.finish();
    expect(await Promise.all(more)).toEqual([4, 5, 6]);
  });

  it('frees the slot of a task that fails', async () => {
    const slots = new BoundedSlots(1, 0);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await slots.run(() => Promise.resolve('ok'))).toBe('ok');
  });
});
