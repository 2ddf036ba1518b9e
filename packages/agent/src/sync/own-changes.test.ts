import { afterEach, describe, expect, it, vi } from 'vitest';
import { OwnChanges } from './own-changes.js';

describe('own changes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('takes the first event of a path the agent changed, and none after it', () => {
    const own = new OwnChanges();
    own.note('2024/IMG_1.JPG');
    expect(own.take('2024/IMG_1.JPG')).toBe(true);
    expect(own.take('2024/IMG_1.JPG')).toBe(false);
    expect(own.take('2024/IMG_2.JPG')).toBe(false);
  });

  it('treats an event that comes seconds late as news, and forgets everything at a look', () => {
    vi.useFakeTimers();
    const own = new OwnChanges();
    own.note('late.JPG');
    own.note('looked.JPG');
    vi.advanceTimersByTime(5_001);
    expect(own.take('late.JPG')).toBe(false);
    own.note('looked.JPG');
    own.forget();
    expect(own.take('looked.JPG')).toBe(false);
  });
});
