import { describe, expect, it } from 'vitest';
import { importOpFor, opFrom } from '../test-support/ops.js';
import { sha256Of, startTestServer, uploadBlob } from '../test-support/test-server.js';

const DAY = 24 * 60 * 60 * 1000;

describe('the trash as the API shows it', () => {
  it('tells when a trashed asset is purged, and the retention job keeps to it', async () => {
    let clock = Date.now();
    const t = await startTestServer({ trashRetentionDays: 30 }, () => clock);
    const alice = await t.userWithDevice('alice');
    const [binned, kept] = ['binned', 'kept'].map((text) => new TextEncoder().encode(text));
    if (!binned || !kept) throw new Error('two photos');
    for (const bytes of [binned, kept]) await uploadBlob(t.api, alice.token, bytes);
    const binnedImport = importOpFor(alice.deviceId, binned, 'binned.jpg');
    const trashedAt = clock;
    const ops = [
      binnedImport,
      importOpFor(alice.deviceId, kept, 'kept.jpg'),
      opFrom(
        alice.deviceId,
        { kind: 'trash', assetId: sha256Of(binned), context: [binnedImport.opId] },
        trashedAt,
      ),
    ];
    expect((await t.api('/api/v1/ops', { token: alice.token, body: { ops } })).status).toBe(200);

    type Listed = { assets: { id: string; purgeAfter?: string }[] };
    const listed = async (filter: string) =>
      (
        (await (
          await t.api(`/api/v1/assets?filter=${filter}`, { token: alice.token })
        ).json()) as Listed
      ).assets;
    const purgeAfter = new Date(trashedAt + 30 * DAY).toISOString();
    expect(await listed('trashed')).toMatchObject([{ id: sha256Of(binned), purgeAfter }]);
    const one = (await (
      await t.api(`/api/v1/assets/${sha256Of(binned)}`, { token: alice.token })
    ).json()) as { asset: { purgeAfter?: string } };
    expect(one.asset.purgeAfter).toBe(purgeAfter);
    expect((await listed('live')).map((a) => a.purgeAfter)).toEqual([undefined]);

    // Not at that moment, but the first run after it.
    clock = trashedAt + 30 * DAY;
    expect((await t.server.runRetention()).purged).toBe(0);
    clock += 1;
    expect((await t.server.runRetention()).purged).toBe(1);
    expect(await listed('trashed')).toEqual([]);
  });
});
