import { describe, expect, it } from 'vitest';
import { describeSearch, readSearch, searchPath, withPart } from './timeline-search.js';

describe('the timeline search in the page address', () => {
  it('reads back what it wrote, and writes nothing for no search', () => {
    const search = {
      q: 'beach day',
      kind: 'favorites',
      camera: 'iPhone',
      from: '2024-05-01',
    } as const;
    expect(readSearch(searchPath(search).slice(1))).toEqual(search);
    expect(searchPath({})).toBe('/');
    expect(searchPath({ q: 'a&b=c' })).toBe('/?q=a%26b%3Dc');
  });

  it('leaves out what the server would refuse rather than failing the page', () => {
    expect(readSearch('?kind=selfies&q=%20!!%20&from=yesterday&to=2024-05-02&camera=')).toEqual({
      to: '2024-05-02',
    });
  });

  it('sets and clears one part, trimming what was typed', () => {
    const search = withPart({ kind: 'videos' }, 'q', '  sunset ');
    expect(search).toEqual({ kind: 'videos', q: 'sunset' });
    expect(withPart(search, 'kind', undefined)).toEqual({ q: 'sunset' });
    expect(withPart(search, 'q', '   ')).toEqual({ kind: 'videos' });
  });

  it('says what it looks for in words', () => {
    expect(describeSearch({ kind: 'live', q: 'beach', to: '2024-01-01' })).toBe(
      'live photos, with “beach”, until 2024-01-01',
    );
  });
});
