import { useEffect } from 'react';
import { api } from '../api/client.js';
import { useLoaded } from '../library/use-loaded.js';
import { Link, navigate } from '../router.js';

interface Neighbours {
  readonly newer?: string;
  readonly older?: string;
}

const photoPath = (id: string) => `/photos/${encodeURIComponent(id)}`;

/** Typing in a field moves its caret with the arrows, not the page. */
const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * The way to the photos beside this one in the timeline: links, and the left and right arrow
 * keys (left is newer, as the timeline reads newest first).
 */
export function PhotoSteps({ id, head }: { id: string; head: number }) {
  const { data } = useLoaded(
    'The photos beside this one',
    () => api.GET('/api/v1/assets/{id}/neighbours', { params: { path: { id } } }),
    [id, head],
  );
  const neighbours: Neighbours = data ?? {};

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || typingIn(event.target)) return;
      const to = { ArrowLeft: neighbours.newer, ArrowRight: neighbours.older }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      navigate(photoPath(to));
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [neighbours]);

  return (
    <nav className="photo-steps" aria-label="Photos beside this one">
      {neighbours.newer ? (
        <Link to={photoPath(neighbours.newer)}>‹ Newer</Link>
      ) : (
        <span aria-hidden="true" />
      )}
      {neighbours.older && <Link to={photoPath(neighbours.older)}>Older ›</Link>}
    </nav>
  );
}
