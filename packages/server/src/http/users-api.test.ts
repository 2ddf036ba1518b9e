import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type Api } from '../test-support/test-server.js';

// The administrators' routes of the web app's admin page: list, create, set a password.

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

const signIn = (api: Api, user: string, password: string) =>
  api('/api/v1/session', { body: { user, password } });

async function adminSession(api: Api): Promise<string> {
  return ((await (await signIn(api, 'admin', ADMIN_PASSWORD)).json()) as { token: string }).token;
}

describe('the users routes', () => {
  it('creates a user who can sign in, lists them, and refuses a name taken or a short password', async () => {
    const t = await startTestServer();
    const admin = await adminSession(t.api);
    const created = await t.api('/api/v1/users', {
      token: admin,
      body: { name: 'carol', password: 'carol-password', isAdmin: true },
    });
    expect(created.status).toBe(201);
    const { user } = (await created.json()) as { user: { id: string; name: string } };
    expect(user).toMatchObject({ name: 'carol', isAdmin: true, quotaBytes: null });
    expect((await signIn(t.api, 'carol', 'carol-password')).status).toBe(200);

    const listed = await t.api('/api/v1/users', { token: admin });
    const { users } = (await listed.json()) as { users: { name: string; createdAt: string }[] };
    expect(users.map((u) => u.name)).toEqual(['admin', 'carol']);
    expect(Number.isNaN(Date.parse(users[1]?.createdAt ?? ''))).toBe(false);

    const taken = await t.api('/api/v1/users', {
      token: admin,
      body: { name: 'carol', password: 'another-password' },
    });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken)).message).toBe('a user named carol already exists');
    const short = await t.api('/api/v1/users', {
      token: admin,
      body: { name: 'dave', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect((await errorOf(short)).message).toBe('body.password: must be at least 8 characters');
  });

  it('lets an administrator reset a password: the old one fails, the new one works', async () => {
    const t = await startTestServer();
    const admin = await adminSession(t.api);
    const alice = await t.userWithDevice('alice');
    const reset = await t.api(`/api/v1/users/${alice.userId}/password`, {
      method: 'PUT',
      token: admin,
      body: { password: 'a brand new password' },
    });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ ok: true });
    expect((await signIn(t.api, 'alice', 'alice-password')).status).toBe(401);
    expect((await signIn(t.api, 'alice', 'a brand new password')).status).toBe(200);
  });

  it('keeps the list and other users\u2019 passwords from those who are not administrators', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const bob = await t.userWithDevice('bob');
    expect((await t.api('/api/v1/users', { token: alice.session })).status).toBe(403);
    const other = await t.api(`/api/v1/users/${bob.userId}/password`, {
      method: 'PUT',
      token: alice.session,
      body: { password: 'taken over now' },
    });
    expect(other.status).toBe(404);
    expect((await signIn(t.api, 'bob', 'bob-password')).status).toBe(200);
  });

  it('refuses a password change with a device token, even for the user themself', async () => {
    const t = await startTestServer();
    const alice = await t.userWithDevice('alice');
    const stolen = await t.api(`/api/v1/users/${alice.userId}/password`, {
      method: 'PUT',
      token: alice.token,
      body: { password: 'taken over now' },
    });
    expect(stolen.status).toBe(401);
    expect((await errorOf(stolen)).message).toContain('signed-in session');
    expect((await signIn(t.api, 'alice', 'alice-password')).status).toBe(200);
    const own = await t.api(`/api/v1/users/${alice.userId}/password`, {
      method: 'PUT',
      token: alice.session,
      body: { password: 'my own new password' },
    });
    expect(own.status).toBe(200);
  });
});
