import { useEffect, useState } from 'react';
import { api } from '../api/client.js';

// The library's newest seq, kept current over the push channel (a hint) and a slow poll (so a
// blocked socket delays the page, never freezes it). Pages load again when it moves.

const POLL_MS = 30_000;
const RECONNECT_MAX_MS = 30_000;

export function useLibraryHead(): number {
  const [head, setHead] = useState(0);
  useEffect(() => {
    let stopped = false;
    let socket: WebSocket | undefined;
    let retryMs = 500;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const advance = (seq: number) => {
      setHead((current) => Math.max(current, seq));
    };
    const connect = () => {
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      socket = new WebSocket(`${scheme}://${window.location.host}/api/v1/push`);
      socket.onmessage = (event) => {
        const message = JSON.parse(String(event.data)) as { head?: unknown };
        if (typeof message.head === 'number') advance(message.head);
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
      clearInterval(polling);
      socket?.close();
    };
  }, []);
  return head;
}
