import { describe, expect, it } from 'vitest';
import { assetIdFrom, filterFromSearch, searchOfFilter } from './log-filter.js';

const ID = '3f9a'.repeat(16);

describe("the sync inspector's filter", () => {
  it('reads an asset id from the id or a photo page address', () => {
    expect(assetIdFrom(ID)).toBe(ID);
    expect(assetIdFrom(` ${ID.toUpperCase()} `)).toBe(ID);
    expect(assetIdFrom(`https://photos.example/photos/${ID}`)).toBe(ID);
    expect(assetIdFrom(`/photos/${ID}?from=timeline#top`)).toBe(ID);
  });

  it('answers nothing for what is not one', () => {
    expect(assetIdFrom('')).toBeUndefined();
    expect(assetIdFrom('IMG_0001.HEIC')).toBeUndefined();
    expect(assetIdFrom(ID.slice(1))).toBeUndefined();
    expect(assetIdFrom(`https://photos.example/albums/${ID}`)).toBeUndefined();
  });

  it('round-trips through the address query', () => {
    const filter = { device: 'dev-abc_123', asset: ID };
    expect(filterFromSearch(searchOfFilter(filter))).toEqual(filter);
    expect(searchOfFilter({})).toBe('');
    expect(filterFromSearch('?device=&asset=')).toEqual({});
  });
});
