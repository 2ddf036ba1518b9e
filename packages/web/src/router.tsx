import { useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

// Page addresses without a framework: the app has a handful of pages, and the browser's history
// API is all they need. The server answers every page address with the app.

const NAVIGATED = 'keepsake:navigated';

const subscribe = (onChange: () => void) => {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
};

/** The current path; the component renders again when it changes. */
export const usePath = () => useSyncExternalStore(subscribe, () => window.location.pathname);

/** The current query string ('?q=…', or ''); the component renders again when it changes. */
export const useQueryString = () => useSyncExternalStore(subscribe, () => window.location.search);

export function navigate(to: string): void {
  if (to === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATED));
  window.scrollTo(0, 0);
}

/** A link that changes page without reloading; a modified click still opens a new tab. */
export function Link(props: {
  to: string;
  className?: string;
  children: ReactNode;
  label?: string;
}) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} className={props.className} onClick={onClick} aria-label={props.label}>
      {props.children}
    </a>
  );
}
