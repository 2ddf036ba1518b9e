import { timelineKeyOf } from '@keepsake/core';
import { api, failureMessage, type AssetView } from '../api/client.js';
import { takenAtOf } from '../asset-facts.js';
import { UNKNOWN_DAY } from './timeline-layout.js';

// The timeline's photos, loaded a day at a time as rows of that day come into view: a day's
// listing starts at its first photo (GET /api/v1/assets?day=) and goes on by cursor, so a jump
// to 2014 loads 2014, not the ten years above it.

const PAGE = 200;

/** The timeline day an asset is laid out in: its key's UTC day, as the server counts them. */
export const dayOf = (asset: AssetView) =>
  timelineKeyOf(takenAtOf(asset)).slice(0, 10) || UNKNOWN_DAY;

interface Day {
  readonly assets: AssetView[];
  next: string | undefined;
  done: boolean;
  loading: boolean;
}

export class DayPhotos {
  readonly #days = new Map<string, Day>();
  readonly #listeners = new Set<() => void>();
  #version = 0;
  /** The last load that failed, for the page to say so. */
  error: string | undefined;

  readonly subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /** Changes whenever photos arrive: what a component re-renders on. */
  readonly version = () => this.#version;

  /** The day's photos from..from+count, undefined where not loaded yet. */
  photos(day: string, from: number, count: number): (AssetView | undefined)[] {
    const assets = this.#days.get(day)?.assets ?? [];
    return Array.from({ length: count }, (_, i) => assets[from + i]);
  }

  /** Loads the day's photos up to `upto` if they are not in yet. */
  want(day: string, upto: number): void {
    const state = this.#days.get(day) ?? {
      assets: [],
      next: undefined,
      done: false,
      loading: false,
    };
    this.#days.set(day, state);
    if (state.loading || state.done || state.assets.length >= upto) return;
    state.loading = true;
    void this.#load(day, state, upto).finally(() => {
      state.loading = false;
      this.#changed();
    });
  }

  async #load(day: string, state: Day, upto: number): Promise<void> {
    while (!state.done && state.assets.length < upto) {
      const limit = Math.min(1000, Math.max(PAGE, upto - state.assets.length));
      const query = state.next === undefined ? { day, limit } : { cursor: state.next, limit };
      const result = await api.GET('/api/v1/assets', { params: { query } });
      if (!result.data) {
        this.error = `Photos could not be loaded: ${failureMessage(result)}`;
        return;
      }
      // A page may run on into older days: the day is complete where another begins.
      const mine = result.data.assets.filter((asset) => dayOf(asset) === day);
      state.assets.push(...mine);
      state.next = result.data.next;
      state.done = mine.length < result.data.assets.length || result.data.next === undefined;
      this.#changed();
    }
  }

  #changed(): void {
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}
