// What the sync inspector shows, as its address's query: a filtered view is a link to share.

export interface LogFilter {
  /** One device's ops: its id. */
  readonly device?: string;
  /** One photo's ops: its asset id. */
  readonly asset?: string;
}

export function filterFromSearch(search: string): LogFilter {
  const query = new URLSearchParams(search);
  const device = query.get('device') ?? '';
  const asset = query.get('asset') ?? '';
  return { ...(device && { device }), ...(asset && { asset }) };
}

/** "?device=…&asset=…", or "" for the whole log. */
export function searchOfFilter(filter: LogFilter): string {
  const query = new URLSearchParams();
  if (filter.device !== undefined) query.set('device', filter.device);
  if (filter.asset !== undefined) query.set('asset', filter.asset);
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The asset id in what a person pasted: the id itself, or a photo page's address (whole, or its
 * path); undefined when it is neither.
 */
export function assetIdFrom(text: string): string | undefined {
  const match = /^(?:\S*\/photos\/)?([0-9a-f]{64})\/?(?:[?#]\S*)?$/i.exec(text.trim());
  return match?.[1]?.toLowerCase();
}
