/** Callbacks told of one kind of event, in the order they were added. */
export class Listeners<Listener extends (...args: never[]) => void> {
  readonly #all: Listener[] = [];

  add(listener: Listener): void {
    this.#all.push(listener);
  }

  tell(...args: Parameters<Listener>): void {
    for (const listener of this.#all) listener(...args);
  }
}
