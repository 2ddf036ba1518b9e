import { describe, expect, it } from 'vitest';
import { bufferSource } from './byte-source.js';
import { parseIso6709, readQuickTimeMeta } from './quicktime.js';

// Hand-built movies for what the fixtures do not cover: rotated tracks, zone-less creation
// dates, and atom trees that are corrupt in the ways that make naive parsers loop or crash.

function box(type: string, ...parts: Buffer[]): Buffer {
  const payload = Buffer.concat(parts);
  return Buffer.concat([boxHeader(8 + payload.length, type), payload]);
}

function boxHeader(size: number, type: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(size, 0);
  header.write(type, 4, 'latin1');
  return header;
}

function u32(...values: number[]): Buffer {
  const bytes = Buffer.alloc(values.length * 4);
  // ">>> 0" lets negative matrix entries through as their two's complement.
  values.forEach((value, i) => bytes.writeUInt32BE(value >>> 0, i * 4));
  return bytes;
}

/** 2021-04-10T10:44:00Z in seconds since 1904. */
const CREATED = 1618051440 + 2_082_844_800;
const ONE = 0x10000;

function mvhd(timescale: number, duration: number): Buffer {
  return box('mvhd', u32(0, CREATED, CREATED, timescale, duration), Buffer.alloc(80));
}

/** A version-0 track header with the matrix entries a, b, c, d and a size in pixels. */
function tkhd([a, b, c, d]: readonly number[], width: number, height: number): Buffer {
  const matrix = u32(a ?? 0, b ?? 0, 0, c ?? 0, d ?? 0, 0, 0, 0, 0x4000_0000);
  return box(
    'tkhd',
    u32(0, CREATED, CREATED, 1, 0, 0),
    Buffer.alloc(16),
    matrix,
    u32(width * ONE, height * ONE),
  );
}

function videoTrack(matrix: readonly number[]): Buffer {
  const hdlr = box('hdlr', u32(0, 0), Buffer.from('vide'), Buffer.alloc(12));
  return box('trak', tkhd(matrix, 1920, 1080), box('mdia', hdlr));
}

/** QuickTime keyed metadata: a keys box naming each ilst item by its 1-based index. */
function keyedMetadata(entries: Record<string, string>): Buffer {
  const names = Object.keys(entries);
  const keys = names.map((name) =>
    Buffer.concat([u32(8 + Buffer.byteLength(name)), Buffer.from(`mdta${name}`)]),
  );
  const items = Object.values(entries).map((value, i) => {
    const data = box('data', u32(1, 0), Buffer.from(value));
    return Buffer.concat([u32(8 + data.length, i + 1), data]);
  });
  const hdlr = box('hdlr', u32(0, 0), Buffer.from('mdta'), Buffer.alloc(12));
  return box('meta', hdlr, box('keys', u32(0, names.length), ...keys), box('ilst', ...items));
}

const ftyp = box('ftyp', Buffer.from('qt  '), u32(0), Buffer.from('qt  '));

async function read(...topLevel: Buffer[]) {
  return readQuickTimeMeta(bufferSource(Buffer.concat(topLevel)));
}

describe('readQuickTimeMeta', () => {
  it('reads a portrait video as landscape frames plus a 90° rotation', async () => {
    const meta = await read(ftyp, box('moov', mvhd(600, 900), videoTrack([0, ONE, -ONE, 0])));
    expect(meta).toEqual({
      takenAt: '2021-04-10T10:44:00Z',
      durationMs: 1500,
      width: 1920,
      height: 1080,
      orientation: 6,
    });
  });

  it('leaves orientation out for an upright track', async () => {
    const meta = await read(ftyp, box('moov', videoTrack([ONE, 0, 0, ONE])));
    expect(meta).toEqual({ width: 1920, height: 1080 });
  });

  it('prefers the creation date key, keeping its zone or its lack of one', async () => {
    const zoned = keyedMetadata({ 'com.apple.quicktime.creationdate': '2021-04-10T11:43:59+0100' });
    expect(await read(box('moov', mvhd(600, 0), zoned))).toMatchObject({
      takenAt: '2021-04-10T11:43:59+01:00',
    });
    const local = keyedMetadata({ 'com.apple.quicktime.creationdate': '2021-04-10T11:43:59' });
    expect(await read(box('moov', mvhd(600, 0), local))).toMatchObject({
      takenAt: '2021-04-10T11:43:59',
    });
  });

  it('reads make, model, place and Live Photo id from keyed metadata', async () => {
    const keyed = keyedMetadata({
      'com.apple.quicktime.make': 'Apple',
      'com.apple.quicktime.model': 'iPhone 15',
      'com.apple.quicktime.location.ISO6709': '+48.8583-002.2945+035.000/',
      'com.apple.quicktime.content.identifier': 'A1B2C3D4-0000-4000-8000-000000000000',
    });
    expect(await read(box('moov', keyed))).toEqual({
      camera: 'Apple iPhone 15',
      gps: { lat: 48.8583, lon: -2.2945, alt: 35 },
      contentId: 'A1B2C3D4-0000-4000-8000-000000000000',
    });
  });

  it('reads classic user data text (a length and a language before the text)', async () => {
    const text = (type: string, value: string) =>
      box(type, Buffer.from([0, value.length, 0x15, 0xc7]), Buffer.from(value));
    const udta = box(
      'udta',
      text('©mak', 'Canon'),
      text('©mod', 'EOS R6'),
      text('©xyz', '+35.6895+139.6917/'),
    );
    expect(await read(box('moov', udta))).toEqual({
      camera: 'Canon EOS R6',
      gps: { lat: 35.6895, lon: 139.6917 },
    });
  });

  describe('on corrupt atom trees', () => {
    it('refuses a file without a moov box', async () => {
      await expect(read(ftyp, box('mdat', Buffer.alloc(100)))).rejects.toThrow('no "moov" box');
    });

    it('takes size 0 as "to the end" instead of looping on it', async () => {
      const meta = await read(box('moov', mvhd(600, 600), boxHeader(0, 'trak')));
      expect(meta).toMatchObject({ durationMs: 1000 });
    });

    it('stops at a box smaller than its own header', async () => {
      const meta = await read(
        box('moov', mvhd(600, 600), boxHeader(4, 'trak'), videoTrack([ONE, 0, 0, ONE])),
      );
      expect(meta).toEqual({ takenAt: '2021-04-10T10:44:00Z', durationMs: 1000 });
    });

    it('clamps boxes that claim to run past their parent or the file', async () => {
      const overlong = Buffer.concat([boxHeader(0x7fff_ffff, 'trak'), Buffer.alloc(20)]);
      const huge64 = Buffer.concat([
        u32(1),
        Buffer.from('udta'),
        Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0]),
      ]);
      expect(await read(box('moov', mvhd(600, 600), overlong))).toMatchObject({ durationMs: 1000 });
      expect(await read(box('moov', mvhd(600, 600), huge64))).toMatchObject({ durationMs: 1000 });
    });

    it('gives up on a flood of empty boxes instead of walking them forever', async () => {
      const flood = Buffer.concat(Array.from({ length: 120_000 }, () => boxHeader(8, 'free')));
      await expect(read(flood, box('moov', mvhd(600, 600)))).rejects.toThrow('no "moov" box');
    });

    it('ignores keys that point outside the keys box and truncated headers', async () => {
      const badKeys = box(
        'meta',
        box('hdlr', u32(0, 0), Buffer.from('mdta')),
        box('keys', u32(0, 1_000_000)),
        box('ilst', box('\0\0\0\x07', Buffer.alloc(4))),
      );
      const shortMvhd = box('mvhd', u32(0, CREATED));
      expect(await read(box('moov', shortMvhd, badKeys))).toEqual({});
    });
  });
});

describe('parseIso6709', () => {
  it.each([
    ['+52.2097-000.8955+103.640/', { lat: 52.2097, lon: -0.8955, alt: 103.64 }],
    ['+47.5383-2.8919+000.000/', { lat: 47.5383, lon: -2.8919, alt: 0 }],
    ['-33.8688+151.2093/', { lat: -33.8688, lon: 151.2093 }],
  ])('reads %s', (value, expected) => {
    expect(parseIso6709(value)).toEqual(expected);
  });

  it.each(['+4753.83-00253.12/', '+91.0000+000.0000/', '+00.0000+000.0000/', 'nowhere', ''])(
    'refuses %j (degree-minute form, out of range, no fix, not a place)',
    (value) => {
      expect(parseIso6709(value)).toBeUndefined();
    },
  );
});
