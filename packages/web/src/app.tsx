import {
  lazy,
  useCallback,
  useEffect,
  useMemo,
  useState,
  type LazyExoticComponent,
  type ReactNode,
} from 'react';
import { api, type Me } from './api/client.js';
import { PageBoundary } from './components/page-boundary.js';
import { LibraryContext } from './library/library-context.js';
import { useLibraryHead } from './library/library-head.js';
import { WebDevice } from './library/web-device.js';
import { SignInPage } from './pages/sign-in-page.js';
import { TimelinePage } from './pages/timeline-page.js';
import { Link, navigate, usePath } from './router.js';
import { Uploader } from './upload/uploader.js';

// The pages a visit opens first (the photos, signing in) come with the app; every other page's
// code is fetched when it is first opened.
function lazyPage<K extends string, P extends object>(
  load: () => Promise<Record<K, (props: P) => ReactNode>>,
  name: K,
): LazyExoticComponent<(props: P) => ReactNode> {
  return lazy(async () => ({ default: (await load())[name] }));
}
const AdminPage = lazyPage(() => import('./pages/admin-page.js'), 'AdminPage');
const AlbumPage = lazyPage(() => import('./pages/album-page.js'), 'AlbumPage');
const AlbumsPage = lazyPage(() => import('./pages/albums-page.js'), 'AlbumsPage');
const DevicesPage = lazyPage(() => import('./pages/devices-page.js'), 'DevicesPage');
const InspectorPage = lazyPage(() => import('./pages/inspector-page.js'), 'InspectorPage');
const PhotoPage = lazyPage(() => import('./pages/photo-page.js'), 'PhotoPage');
const SetupPage = lazyPage(() => import('./pages/setup-page.js'), 'SetupPage');
const TrashPage = lazyPage(() => import('./pages/trash-page.js'), 'TrashPage');

type Session = { state: 'loading' } | { state: 'signed-out' } | { state: 'signed-in'; me: Me };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const path = usePath();
  const refresh = useCallback(async () => {
    const { data } = await api.GET('/api/v1/me');
    setSession(data ? { state: 'signed-in', me: data } : { state: 'signed-out' });
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const endSession = useCallback(async () => {
    await api.DELETE('/api/v1/session');
    navigate('/');
    setSession({ state: 'signed-out' });
  }, []);

  if (session.state === 'loading') return null;
  if (session.state === 'signed-out') {
    return path === '/setup' ? (
      <PageBoundary>
        <SetupPage onSignedIn={refresh} />
      </PageBoundary>
    ) : (
      <SignInPage onSignedIn={refresh} />
    );
  }
  return <SignedIn me={session.me} endSession={endSession} />;
}

function SignedIn({ me, endSession }: { me: Me; endSession: () => Promise<void> }) {
  // A token revoked from another device ends this browser's session too.
  const device = useMemo(
    () => new WebDevice(me.user.id, () => void endSession()),
    [me.user.id, endSession],
  );
  const signOut = async () => {
    await device.signOut();
    await endSession();
  };
  const path = usePath();
  const position = useLibraryHead();
  const library = useMemo(() => ({ ...position, device }), [position, device]);
  return (
    <LibraryContext.Provider value={library}>
      <header className="top-bar">
        <Link to="/" className="brand">
          Keepsake
        </Link>
        <nav aria-label="Main">
          <Link to="/">Photos</Link>
          <Link to="/albums">Albums</Link>
          <Link to="/trash">Trash</Link>
          <Link to="/devices">Devices</Link>
          <Link to="/inspector">Sync inspector</Link>
          {me.user.isAdmin && <Link to="/admin">Admin</Link>}
        </nav>
        <Uploader owner={me.user.id} />
        <span className="who">{me.user.name}</span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main>
        <PageBoundary key={path}>
          <Page isAdmin={me.user.isAdmin} />
        </PageBoundary>
      </main>
    </LibraryContext.Provider>
  );
}

function Page({ isAdmin }: { isAdmin: boolean }) {
  const path = usePath();
  const photo = /^\/photos\/([^/]+)$/.exec(path);
  if (photo?.[1]) return <PhotoPage id={decodeURIComponent(photo[1])} />;
  if (path === '/') return <TimelinePage />;
  if (path === '/albums') return <AlbumsPage />;
  // /albums/<id> is one's own album; /albums/<owner>/<id> one shared from another library.
  const album = /^\/albums\/(?:([^/]+)\/)?([^/]+)$/.exec(path);
  if (album?.[2]) {
    const owner = album[1] && decodeURIComponent(album[1]);
    return <AlbumPage key={path} id={decodeURIComponent(album[2])} owner={owner} />;
  }
  if (path === '/trash') return <TrashPage />;
  if (path === '/devices') return <DevicesPage />;
  if (path === '/inspector') return <InspectorPage />;
  if (path === '/admin') return <AdminPage isAdmin={isAdmin} />;
  return (
    <section className="empty">
      <h1>Not found</h1>
      <p>
        There is no page at {path}. <Link to="/">Go to your photos</Link>.
      </p>
    </section>
  );
}
