import { useId, useState } from 'react';
import type { DeviceView } from '../api/client.js';
import { InlineForm } from '../components/forms.js';
import { assetIdFrom, type LogFilter } from './log-filter.js';

/** Narrows the log to one device (at once, on choosing it) and to one photo (on applying it). */
export function LogFilters(props: {
  filter: LogFilter;
  devices: readonly DeviceView[];
  onChange: (filter: LogFilter) => void;
}) {
  const { filter, devices, onChange } = props;
  const deviceId = useId();
  const [assetText, setAssetText] = useState(filter.asset ?? '');
  const [problem, setProblem] = useState<string>();
  // A device the list does not name (revoked long ago, or another user's contribution) stays
  // choosable while it is the filter.
  const listed = filter.device === undefined || devices.some((d) => d.id === filter.device);

  const applyAsset = () => {
    const text = assetText.trim();
    if (text === '') {
      setProblem(undefined);
      onChange(without(filter, 'asset'));
      return;
    }
    const asset = assetIdFrom(text);
    if (asset === undefined) {
      setProblem("Not a photo: paste a photo page's address (…/photos/…) or its id.");
      return;
    }
    setProblem(undefined);
    setAssetText(asset);
    onChange({ ...filter, asset });
  };

  return (
    <div className="log-filters">
      <div className="log-device-filter">
        <label htmlFor={deviceId}>Device</label>
        <select
          className="field"
          id={deviceId}
          value={filter.device ?? ''}
          onChange={(event) => {
            const device = event.target.value;
            onChange(device === '' ? without(filter, 'device') : { ...filter, device });
          }}
        >
          <option value="">All devices</option>
          {devices.map((d) => (
            <option key={d.id} value={d.id}>
              {d.revokedAt === null ? d.name : `${d.name} (revoked)`}
            </option>
          ))}
          {!listed && <option value={filter.device}>{filter.device}</option>}
        </select>
      </div>
      <InlineForm label="Filter by photo" onSubmit={applyAsset} problem={problem}>
        <label>
          Photo
          <input
            value={assetText}
            maxLength={2000}
            placeholder="A photo's address or id"
            onChange={(event) => {
              setAssetText(event.target.value);
            }}
          />
        </label>
        <button type="submit">Apply</button>
        {filter.asset !== undefined && (
          <button
            type="button"
            onClick={() => {
              setAssetText('');
              setProblem(undefined);
              onChange(without(filter, 'asset'));
            }}
          >
            All photos
          </button>
        )}
      </InlineForm>
    </div>
  );
}

function without(filter: LogFilter, key: keyof LogFilter): LogFilter {
  const { [key]: _dropped, ...rest } = filter;
  return rest;
}
