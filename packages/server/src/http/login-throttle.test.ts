import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('blocks a name after ten failures from one address, and only that name there', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 10; i++) {
      expect(throttle.blocked('10.0.0.1', 'admin')).toBe(false);
      throttle.failed('10.0.0.1', 'admin');
    }
    expect(throttle.blocked('10.0.0.1', 'admin')).toBe(true);
    expect(throttle.blocked('10.0.0.1', 'alice')).toBe(false);
    expect(throttle.blocked('10.0.0.2', 'admin')).toBe(false);
    now += 5 * 60 * 1000 + 1;
    expect(throttle.blocked('10.0.0.1', 'admin')).toBe(false);
  });

  it('blocks an address that tries name after name, and a right password does not lift that', () => {
    let now = 0;
    const throttle = new LoginThrottle(() => now);
    for (let i = 0; i < 100; i++) {
      expect(throttle.blocked('10.0.0.1', `user-${i}`)).toBe(false);
      throttle.failed('10.0.0.1', `user-${i}`);
      now += 1000;
    }
    throttle.succeeded('10.0.0.1', 'admin');
    expect(throttle.blocked('10.0.0.1', 'admin')).toBe(true);
    expect(throttle.blocked('10.0.0.2', 'admin')).toBe(false);
    // The oldest failure ages out first, and with it the block.
    now = 5 * 60 * 1000 + 1;
    expect(throttle.blocked('10.0.0.1', 'admin')).toBe(false);
  });
});
