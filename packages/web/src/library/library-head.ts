import { useEffect, useState } from 'react';
import { api } from '../api/client.js';

// The library's newest seq, kept current over the push channel (a hint) and a slow poll (so a
// blocked socket delays the page, never freezes it). Pages load again when it moves, and those
// showing pictures also when the server says it made thumbnails (which move no head).

const POLL_MS = 30_000;
const RECONNECT_MAX_MS = 30_000;
/**
 * Pages read again at most this often: while a device imports thousands of photos the head
 * moves many times a second, and each move would reload every open page.
 */
const SETTLE_MS = 1_000;

/** Where the library is: its head, and how many times thumbnails of its photos were made. */
export interface LibraryPosition {
  readonly head: number;
  readonly media: number;
}

export function useLibraryHead(): LibraryPosition {
  const [position, setPosition] = useState<LibraryPosition>({ head: 0, media: 0 });
  useEffect(() => {
    let stopped = false;
    let socket: WebSocket | undefined;
    let retryMs = 500;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let latest = { head: 0, media: 0 };
    let shownAt = -Infinity;
    let pending: ReturnType<typeof setTimeout> | undefined;
    const show = () => {
      pending = undefined;
      shownAt = Date.now();
      setPosition(latest);
    };
    // The first move shows at once; those that follow within SETTLE_MS show together at its end.
    const moved = (to: LibraryPosition) => {
      latest = to;
      if (pending !== undefined) return;
      const wait = shownAt + SETTLE_MS - Date.now();
      if (wait <= 0) show();
      else pending = setTimeout(show, wait);
    };
    const advance = (head: number) => {
      if (head > latest.head) moved({ ...latest, head });
    };
    const connect = () => {
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${window.location.host}/api/v1/push`);
      socket.onmessage = (event) => {
        const message = JSON.parse(String(event.data)) as { type?: unknown; head?: unknown };
        if (typeof message.head === 'number') advance(message.head);
        if (message.type === 'media') moved({ ...latest, media: latest.media + 1 });
        retryMs = 500;
      };
      socket.onclose = () => {
        if (stopped) return;
        retry = setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
      };
    };
    const poll = async () => {
      const { data } = await api.GET('/api/v1/devices');
      if (data) advance(data.head);
    };
    connect();
    const polling = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearTimeout(pending);
      clearInterval(polling);
      socket?.close();
    };
  }, []);
  return position;
}
