import { readFileSync } from 'node:fs';
import { fixture, readManifest } from '@keepsake/media/test-support';
import { describe, expect, it } from 'vitest';
import { importOpFor } from '../test-support/ops.js';
import { sha256Of, startTestServer, uploadBlob } from '../test-support/test-server.js';

interface MediaView {
  pending?: true;
  kind?: string;
  error?: string;
  meta?: { takenAt?: string };
  derivatives?: { role: string }[];
}

/** exiftool's "2018:07:25 16:34:23" as the start of an ISO date-time. */
const isoPrefix = (exifDate: string) =>
  exifDate.slice(0, 19).replace(/^(\d{4}):(\d\d):(\d\d) /, '$1-$2-$3T');

describe('media on the server: every fixture, corrupt ones included', () => {
  it('stores each file bit-exact, reads its metadata or records why not, makes thumbnails, and keeps serving', async () => {
    const t = await startTestServer({ mediaWorkers: 1 });
    const alice = await t.userWithDevice('alice');
    const rows = readManifest().map((row) => ({
      path: row.get('path') ?? '',
      kind: row.get('kind') ?? '',
      sha256: row.get('sha256') ?? '',
      taken: row.get('date_time_original') ?? '',
    }));
    for (const row of rows) {
      const bytes = readFileSync(fixture(row.path));
      // An empty file is complete the moment its upload is created.
      const uploaded = await uploadBlob(t.api, alice.token, bytes);
      expect([row.path, uploaded.status]).toEqual([row.path, bytes.length === 0 ? 201 : 204]);
      const path = /\.[A-Za-z0-9]+$/.test(row.path) ? row.path : `${row.path}.bin`;
      const response = await t.api('/api/v1/ops', {
        token: alice.token,
        body: { ops: [importOpFor(alice.deviceId, bytes, `fixtures/${path}`)] },
      });
      expect([row.path, response.status]).toEqual([row.path, 200]);
    }
    await t.server.media.drain();
    expect((await t.api('/healthz')).status).toBe(200);

    for (const row of rows) {
      const download = await t.api(`/api/v1/blobs/${row.sha256}`, { token: alice.token });
      expect([row.path, sha256Of(new Uint8Array(await download.arrayBuffer()))]).toEqual([
        row.path,
        row.sha256,
      ]);

      const { asset } = (await (
        await t.api(`/api/v1/assets/${row.sha256}`, { token: alice.token })
      ).json()) as {
        asset: { media: { original: MediaView } };
      };
      const media = asset.media.original;
      expect([row.path, media.pending]).toEqual([row.path, undefined]);
      if (row.kind.startsWith('corrupt') || row.kind === 'empty-placeholder') {
        // Whatever could not be read is said, not hidden.
        if (media.error === undefined) expect(media.kind).toBeDefined();
        continue;
      }
      if (/^(jpeg|heic|heif|livephoto-still)$/.test(row.kind)) {
        expect([row.path, media.error]).toEqual([row.path, undefined]);
        if (row.taken)
          expect([row.path, media.meta?.takenAt?.slice(0, 19)]).toEqual([
            row.path,
            isoPrefix(row.taken),
          ]);
        const thumbnail = await t.api(`/api/v1/assets/${row.sha256}/derivatives/thumbnail`, {
          token: alice.token,
        });
        expect([row.path, thumbnail.status, thumbnail.headers.get('content-type')]).toEqual([
          row.path,
          200,
          'image/webp',
        ]);
      }
    }
    const corrupt = rows.filter((r) => r.kind.startsWith('corrupt'));
    const errors = [];
    for (const row of corrupt) {
      const { asset } = (await (
        await t.api(`/api/v1/assets/${row.sha256}`, { token: alice.token })
      ).json()) as {
        asset: { media: { original: MediaView } };
      };
      if (asset.media.original.error) errors.push(row.path);
    }
    expect(errors.length).toBeGreaterThan(0);
  }, 300_000);
});
