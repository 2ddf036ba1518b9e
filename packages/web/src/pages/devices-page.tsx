import { useId, useState } from 'react';
import { api, failureMessage, type DeviceView } from '../api/client.js';
import { ConfirmedAction } from '../components/confirmed-action.js';
import { whenText } from '../format.js';
import { useLibrary } from '../library/library-context.js';
import { useLoaded } from '../library/use-loaded.js';
import './devices-page.css';
import { Problem } from '../components/forms.js';

/** The user's devices: when each was last seen, how far behind the feed it is; revoke one. */
export function DevicesPage() {
  const { head, device } = useLibrary();
  // Read again whenever the library changes, or a device is revoked here.
  const [changed, setChanged] = useState(0);
  const { data, error } = useLoaded('The devices', () => api.GET('/api/v1/devices'), [
    head,
    changed,
  ]);
  // Those still working first; the revoked stay listed, as a record of what was cut off.
  const devices = data?.devices.toSorted(
    (a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null),
  );

  return (
    <section className="devices">
      <h1>Devices</h1>
      <Problem text={error} />
      {!devices && !error && <p className="loading">Loading…</p>}
      {devices?.length === 0 && <p className="empty">No device has synced this library yet.</p>}
      {devices && devices.length > 0 && (
        <ul className="device-list" aria-label="Your devices">
          {devices.map((d) => (
            <DeviceItem
              key={d.id}
              device={d}
              here={d.id === device.id}
              onRevoked={() => {
                setChanged((n) => n + 1);
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function DeviceItem(props: { device: DeviceView; here: boolean; onRevoked: () => void }) {
  const { device, here } = props;
  const [problem, setProblem] = useState<string>();
  const nameId = useId();
  const revoke = async () => {
    setProblem(undefined);
    const result = await api.DELETE('/api/v1/devices/{id}', {
      params: { path: { id: device.id } },
    });
    if (!result.response.ok) setProblem(`Not revoked: ${failureMessage(result)}`);
    props.onRevoked();
  };
  return (
    <li className={device.revokedAt === null ? 'device' : 'device revoked'}>
      <h2 id={nameId}>
        {device.name}
        {here && <span className="tag"> (this browser)</span>}
      </h2>
      <dl>
        <div>
          <dt>Last seen</dt>
          <dd>{device.lastSeenAt ? <When iso={device.lastSeenAt} /> : 'never'}</dd>
        </div>
        {device.revokedAt === null ? (
          <>
            <div>
              <dt>Sync</dt>
              <dd>{syncText(device, here)}</dd>
            </div>
            {device.status && <ReportedStatus status={device.status} />}
          </>
        ) : (
          <div>
            <dt>Revoked</dt>
            <dd>
              <When iso={device.revokedAt} />
            </dd>
          </div>
        )}
      </dl>
      {device.revokedAt === null && (
        <ConfirmedAction
          label="Revoke…"
          prompt={
            here
              ? 'Revoke this browser? It registers again as a new device the next time you change something here.'
              : `Revoke ${device.name}? It stops syncing at its next request, and can sync again only once logged in again.`
          }
          confirm="Revoke"
          describedBy={nameId}
          onConfirm={revoke}
        />
      )}
      <Problem text={problem} />
    </li>
  );
}

const When = ({ iso }: { iso: string }) => <time dateTime={iso}>{whenText(iso)}</time>;

/** What the device itself last said: its changes not yet answered, and the last error it met. */
function ReportedStatus({ status }: { status: NonNullable<DeviceView['status']> }) {
  const { pendingOps, lastError } = status;
  return (
    <>
      <div>
        <dt>To send</dt>
        <dd>
          {pendingOps === 0
            ? 'Nothing'
            : `${String(pendingOps)} change${pendingOps === 1 ? '' : 's'} not yet sent or answered`}{' '}
          <span className="note">
            (reported <When iso={status.reportedAt} />)
          </span>
        </dd>
      </div>
      {lastError !== null && (
        <div className="device-error">
          <dt>Last error</dt>
          <dd>{lastError}</dd>
        </div>
      )}
    </>
  );
}

/** How far behind the feed a device is: the changes it has not acknowledged yet. */
function syncText(device: DeviceView, here: boolean): string {
  // A browser shows the library as the server has it and never reads the feed: none to catch up.
  if (here) return 'Shows the library as the server has it';
  if (device.behind === 0) return 'In step with the library';
  return device.behind === 1 ? '1 change behind' : `${device.behind} changes behind`;
}
