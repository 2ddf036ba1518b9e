import { useId, useState } from 'react';
import { api, failureMessage } from '../api/client.js';
import { useLibrary } from '../library/library-context.js';
import { ROLE_TEXT, type AlbumView, type ShareRole } from './album-api.js';
import { replyProblem, useAttempt } from '../library/attempt.js';
import './albums.css';
import { InlineForm, Problem, TextField } from '../components/forms.js';

const ROLES = ['viewer', 'contributor'] as const;

/** The choice of a share's role, "Can view" or "Can add photos". */
function RoleOptions() {
  return ROLES.map((role) => (
    <option key={role} value={role}>
      {ROLE_TEXT[role].replace(/^./, (first) => first.toUpperCase())}
    </option>
  ));
}

/**
 * Sends a share change (a role, or null to stop sharing) as an op from this browser; answers
 * what went wrong, if anything did.
 */
function useShare(album: AlbumView) {
  const { head, device } = useLibrary();
  return async (user: string, role: ShareRole | null) =>
    replyProblem(await device.submit({ kind: 'shareAlbum', albumId: album.id, user, role }, head));
}

/** The album's owner: whom it is shared with and how, and sharing it with someone by name. */
export function AlbumSharing({ album, onChanged }: { album: AlbumView; onChanged: () => void }) {
  const headingId = useId();
  const shares = album.shares ?? [];
  return (
    <section className="sharing" aria-labelledby={headingId}>
      <h2 id={headingId}>Sharing</h2>
      {shares.length === 0 ? (
        <p className="note">Only you can see this album.</p>
      ) : (
        <ul className="share-list">
          {shares.map((share) => (
            <ShareRow
              key={share.user}
              album={album}
              user={share.user}
              who={share.name ?? share.user}
              role={share.role}
              onChanged={onChanged}
            />
          ))}
        </ul>
      )}
      <ShareForm album={album} onChanged={onChanged} />
    </section>
  );
}

function ShareRow(props: {
  album: AlbumView;
  user: string;
  who: string;
  role: ShareRole;
  onChanged: () => void;
}) {
  const share = useShare(props.album);
  const { busy, problem, attempt } = useAttempt(props.onChanged);
  return (
    <li>
      <span>{props.who}</span>
      <select
        className="field"
        aria-label={`What ${props.who} may do`}
        value={props.role}
        disabled={busy}
        onChange={(event) => {
          const role = event.target.value as ShareRole;
          void attempt(() => share(props.user, role));
        }}
      >
        <RoleOptions />
      </select>
      <button
        type="button"
        aria-label={`Stop sharing with ${props.who}`}
        disabled={busy}
        onClick={() => void attempt(() => share(props.user, null))}
      >
        Stop sharing
      </button>
      <Problem text={problem} />
    </li>
  );
}

function ShareForm({ album, onChanged }: { album: AlbumView; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<ShareRole>('viewer');
  const share = useShare(album);
  const { busy, problem, attempt } = useAttempt(onChanged);
  const submit = () =>
    attempt(async () => {
      const wanted = name.trim();
      const found = await api.GET('/api/v1/users/lookup', { params: { query: { name: wanted } } });
      if (!found.data) {
        return found.response.status === 404
          ? `No user is named ${wanted}.`
          : failureMessage(found);
      }
      if (found.data.user.id === album.library) return 'This album is yours already.';
      const problem = await share(found.data.user.id, role);
      if (problem === undefined) setName('');
      return problem;
    });
  return (
    <InlineForm label="Share the album" onSubmit={() => void submit()} problem={problem}>
      <TextField
        label="User name"
        value={name}
        onChange={setName}
        maxLength={64}
        autoComplete="off"
      />
      <label>
        Access
        <select
          value={role}
          onChange={(event) => {
            setRole(event.target.value as ShareRole);
          }}
        >
          <RoleOptions />
        </select>
      </label>
      <button type="submit" disabled={busy || name.trim() === ''}>
        Share
      </button>
    </InlineForm>
  );
}
