/** Thrown by {@link BoundedSlots.run} when every slot is taken and the queue is full. */
export class SlotsFull extends Error {}

/**
 * At most `running` tasks at once and `waiting` more queued in arrival order; a task beyond
 * that is refused at once rather than queued without end.
 */
export class BoundedSlots {
  #running = 0;
  readonly #queue: (() => void)[] = [];

  constructor(
    private readonly running: number,
    private readonly waiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.running) this.#running++;
    else if (this.#queue.length < this.waiting) {
      // The slot is handed over by the task that ends, so the count stays taken for this one.
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    } else throw new SlotsFull();
    try {
      return await task();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
