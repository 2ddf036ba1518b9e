import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PASSWORD, serverForFile, tempDirs } from '../test-support/test-server.js';

const CLI = fileURLToPath(new URL('../../bin/keepsake.js', import.meta.url));
const freshDir = tempDirs('keepsake-login-');
const server = serverForFile(freshDir);

/** Runs `keepsake login` as a user would, in its own process, with `config` as XDG_CONFIG_HOME. */
async function keepsakeLogin(config: string, args: string[], password: string | null = PASSWORD) {
  return keepsake(config, ['login', ...args], password);
}

/** Runs `keepsake <args>` as a user would, in its own process, with `config` as XDG_CONFIG_HOME. */
async function keepsake(config: string, args: string[], password: string | null = PASSWORD) {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: config };
  delete env.KEEPSAKE_PASSWORD;
  if (password !== null) env.KEEPSAKE_PASSWORD = password;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const devicesOf = async (token: string) => {
  const response = await fetch(`${server().url}/api/v1/devices`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    body: (await response.json()) as { devices: { id: string }[] },
  };
};

describe('keepsake login', () => {
  it('registers the machine as a device and keeps its token where only the user can read it', async () => {
    const config = freshDir();
    const run = await keepsakeLogin(config, [
      '--server',
      server().url,
      '--user',
      'admin',
      '--name',
      'laptop',
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as {
      device: { id: string; name: string };
      config: string;
    };
    expect(printed.device.name).toBe('laptop');
    expect(printed.config).toBe(join(config, 'keepsake', 'device.json'));

    expect(statSync(printed.config).mode & 0o777).toBe(0o600);
    expect(statSync(join(config, 'keepsake')).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(printed.config, 'utf8')) as Record<string, string>;
    expect(saved).toMatchObject({
      server: server().url,
      user: 'admin',
      deviceId: printed.device.id,
    });
    // The stored token is the device's credential: the server knows the device by it.
    const { status, body } = await devicesOf(saved.token ?? '');
    expect(status).toBe(200);
    expect(body.devices.map((d) => d.id)).toContain(printed.device.id);
  });

  it('says a wrong password is wrong, and writes nothing', async () => {
    const config = freshDir();
    const run = await keepsakeLogin(config, ['--server', server().url, '--user', 'admin'], 'wrong');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/user name or password is wrong/);
    expect(() => statSync(join(config, 'keepsake', 'device.json'))).toThrow();
  });

  it('will not replace a registered device unless told to', async () => {
    const config = freshDir();
    const args = ['--server', server().url, '--user', 'admin', '--json'];
    const first = await keepsakeLogin(config, args);
    expect(first.code).toBe(0);
    const again = await keepsakeLogin(config, args);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already device .* pass --force/);
    const forced = await keepsakeLogin(config, [...args, '--force']);
    expect(forced.code).toBe(0);
    const ids = [first, forced].map(
      (run) => (JSON.parse(run.stdout) as { device: { id: string } }).device.id,
    );
    expect(ids[1]).not.toBe(ids[0]);
  });

  it('tells a server that cannot be reached, a missing password and missing options apart', async () => {
    const config = freshDir();
    const unreachable = await keepsakeLogin(config, [
      '--server',
      'http://127.0.0.1:9',
      '--user',
      'admin',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:9 .*is the server running/,
    );

    const noPassword = await keepsakeLogin(
      config,
      ['--server', server().url, '--user', 'admin'],
      null,
    );
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toMatch(/set KEEPSAKE_PASSWORD/);

    const noServer = await keepsakeLogin(config, ['--user', 'admin']);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toMatch(/login needs --server and --user/);
  });

  it('--force as the same user goes on syncing the folders of the device it replaces, as another user not', async () => {
    const config = freshDir();
    const folder = join(freshDir(), 'Photos');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.jpg'), 'a photo');
    const as = (user: string) => ['--server', server().url, '--user', user, '--json', '--force'];
    const takenOver = async (user: string) => {
      const run = await keepsakeLogin(config, as(user));
      expect(run.code).toBe(0);
      return (JSON.parse(run.stdout) as { folders: string[] }).folders;
    };
    expect(await takenOver('admin')).toEqual([]);
    expect((await keepsake(config, ['sync', folder, '--once'])).code).toBe(0);
    expect(await takenOver('admin')).toEqual([realpathSync(folder)]);
    writeFileSync(join(folder, 'b.jpg'), 'another photo');
    expect((await keepsake(config, ['sync', folder, '--once'])).code).toBe(0);
    // Registered again twice before the folder is next opened (a drive not mounted meanwhile):
    // the folder still names the device of two logins ago, and is still taken over.
    await takenOver('admin');
    await takenOver('admin');
    writeFileSync(join(folder, 'c.jpg'), 'a third photo');
    expect((await keepsake(config, ['sync', folder, '--once'])).code).toBe(0);
    // Another user's library is not this folder's: it stays the old device's.
    await createUser('bob');
    expect(await takenOver('bob')).toEqual([]);
    const refused = await keepsake(config, ['sync', folder, '--once']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is synced by another device');
  });
});

async function createUser(name: string): Promise<void> {
  const call = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${server().url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token !== undefined && { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    expect(response.ok).toBe(true);
    return (await response.json()) as { token?: string };
  };
  const { token } = await call('/api/v1/session', { user: 'admin', password: PASSWORD });
  await call('/api/v1/users', { name, password: PASSWORD }, token);
}
