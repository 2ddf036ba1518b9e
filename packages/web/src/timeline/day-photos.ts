import { api, failureMessage, type AssetView } from '../api/client.js';
import { waitingForMedia } from '../asset-facts.js';
import type { TimelineSearch } from '../search/timeline-search.js';
import type { TimelineDay } from './timeline-layout.js';

// The timeline's photos, loaded a day at a time as rows of that day come into view: a day's
// listing starts at its first photo (GET /api/v1/assets?day=) and goes on by cursor, so a jump
// to 2014 loads 2014, not the ten years above it. The day's photos are the listing's first
// `count` (the server counted them from the same column it orders by); their own capture times
// are not read again here, since the server may keep an asset where it was (an edit saved
// without a capture time stays on its day). A search narrows the listing with the same
// parameters the day counts were made with.

const PAGE = 200;

interface Day {
  readonly count: number;
  readonly assets: AssetView[];
  next: string | undefined;
  /** How many of its photos the rows on screen have asked for so far. */
  wanted: number;
  loading: boolean;
}

export class DayPhotos {
  readonly #days: Map<string, Day>;
  readonly #search: TimelineSearch;
  readonly #listeners = new Set<() => void>();
  #version = 0;
  /** The last load that failed, for the page to say so. */
  error: string | undefined;

  constructor(days: readonly TimelineDay[], search: TimelineSearch = {}) {
    this.#search = search;
    this.#days = new Map(
      days.map(({ day, count }) => [
        day,
        { count, assets: [], next: undefined, wanted: 0, loading: false },
      ]),
    );
  }

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

  /** Loads the day's photos up to `upto` if they are not in yet (more, if a load is on). */
  want(day: string, upto: number): void {
    const state = this.#days.get(day);
    if (!state) return;
    state.wanted = Math.max(state.wanted, Math.min(upto, state.count));
    if (state.loading || state.assets.length >= state.wanted) return;
    state.loading = true;
    this.error = undefined;
    void this.#load(day, state).finally(() => {
      state.loading = false;
      this.#changed();
    });
  }

  /**
   * Reads again the loaded days that show a photo still waiting for its thumbnail (the server
   * said it made some). What is shown stays until the new listing is in: nothing blinks.
   */
  refreshWaiting(): void {
    for (const [day, state] of this.#days) {
      if (state.loading || !state.assets.some(waitingForMedia)) continue;
      const fresh: Day = { ...state, assets: [], next: undefined, loading: true };
      state.loading = true;
      void this.#load(day, fresh).finally(() => {
        // Only a whole listing replaces the one shown; a failed one leaves it (and says so).
        if (fresh.assets.length >= Math.min(state.assets.length, fresh.count)) {
          this.#days.set(day, { ...fresh, wanted: state.wanted, loading: false });
        }
        state.loading = false;
        this.#changed();
        this.want(day, state.wanted);
      });
    }
  }

  /** Pages until the day holds what was wanted, even if more was wanted meanwhile. */
  async #load(day: string, state: Day): Promise<void> {
    while (state.assets.length < state.wanted) {
      const limit = Math.min(1000, Math.max(PAGE, state.wanted - state.assets.length));
      const start = state.next === undefined ? { day } : { cursor: state.next };
      const query = { ...this.#search, ...start, limit };
      const result = await api.GET('/api/v1/assets', { params: { query } });
      if (!result.data) {
        this.error = `Photos could not be loaded: ${failureMessage(result)}`;
        return;
      }
      state.assets.push(...result.data.assets.slice(0, state.count - state.assets.length));
      state.next = result.data.next;
      this.#changed();
      // Fewer than counted: the library changed since; the new counts are on their way.
      if (state.next === undefined) return;
    }
  }

  #changed(): void {
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}
