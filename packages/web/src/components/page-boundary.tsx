import { Component, Suspense, type ReactNode } from 'react';

/**
 * Frames a page whose code may still be on its way (nothing is shown until it comes), and holds
 * its failure to that page: an error while it renders, or its code failing to load (a
 * tab left open across an upgrade of the server asks for files the new version no longer has).
 * Without it, React takes the whole app down to a blank window. The top bar stays, and the next
 * page opened starts afresh (give each page its own key).
 */
export class PageBoundary extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    const { error } = this.state;
    if (!error) return <Suspense fallback={null}>{this.props.children}</Suspense>;
    return (
      <section className="empty" role="alert">
        <h1>This page could not be shown</h1>
        <p>{error.message}</p>
        <p>
          If Keepsake was updated since this tab opened, reloading fetches the new version.{' '}
          <button
            type="button"
            onClick={() => {
              window.location.reload();
            }}
          >
            Reload
          </button>
        </p>
      </section>
    );
  }
}
