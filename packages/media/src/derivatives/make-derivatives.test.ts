import { readFileSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, readManifest } from '../test-support/fixtures.js';
import { decodeHeif } from './decode-heif.js';
import { DerivativeWorkers } from './derivative-workers.js';
import {
  DEFAULT_DERIVATIVE_LIMITS,
  makeDerivatives,
  type Derivative,
  type DerivativeResult,
} from './make-derivatives.js';

interface Fixture {
  readonly path: string;
  readonly kind: string;
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
}

function fixturesOf(): Fixture[] {
  return readManifest().map((row) => {
    const cell = (name: string): string => row.get(name) ?? '';
    return {
      path: cell('path'),
      kind: cell('kind'),
      width: Number(cell('width')),
      height: Number(cell('height')),
      orientation: Number(cell('orientation') || '1'),
    };
  });
}

const manifest = fixturesOf();
const file = fixture;

const STILL_KINDS = new Set([
  'jpeg',
  'jpeg-duplicate',
  'jpeg-stub',
  'livephoto-still',
  'not-livephoto-still',
  'heic',
  'heif',
  'avif',
  'gif',
  'gif-animated',
  'png',
  'tiff',
  'tiff-no-extension',
  'webp',
]);
// sharp's libvips has no BMP loader; BMP is refused like any format we do not decode. A raw EXIF
// sidecar is not refused but fails: it is TIFF-structured, so it is taken for a TIFF.
const REFUSED_KINDS =
  /^(bmp|raw-stub|video-.*|.*livephoto-video|empty-placeholder|sidecar-(?!exif).*)$/;
const stills = manifest.filter((fixture) => STILL_KINDS.has(fixture.kind));
const refused = manifest.filter((fixture) => REFUSED_KINDS.test(fixture.kind));
const corrupt = manifest.filter((fixture) => fixture.path.startsWith('corrupt/'));

const LONG_EDGE = { thumbnail: 320, preview: 1600 } as const;

function derivativesOf(result: DerivativeResult): readonly Derivative[] {
  if (!result.ok) throw new Error(`expected derivatives, got: ${result.error}`);
  return result.derivatives;
}

function errorOf(result: DerivativeResult): string {
  if (result.ok) throw new Error('expected an error, got derivatives');
  return result.error;
}

/** The upright size: EXIF orientations 5–8 turn the stored image a quarter turn. */
function uprightSize({ width, height, orientation }: Fixture): [number, number] {
  return orientation >= 5 ? [height, width] : [width, height];
}

/** The mean of each colour channel over an image's pixels, each first mapped by `map`. */
async function meanColour(
  image: Sharp,
  map: (rgb: [number, number, number]) => [number, number, number] = (rgb) => rgb,
): Promise<number[]> {
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sums = [0, 0, 0];
  for (let at = 0; at < data.length; at += info.channels) {
    map([data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0]).forEach((v, c) => {
      sums[c] = (sums[c] ?? 0) + v;
    });
  }
  const pixels = data.length / info.channels;
  return sums.map((sum) => sum / pixels);
}

/** A Display P3 colour (8-bit) in sRGB (8-bit, clipped), by the matrix of the two primaries. */
function displayP3ToSrgb([r, g, b]: [number, number, number]): [number, number, number] {
  const linear = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const encoded = (l: number) => {
    const c = Math.min(1, Math.max(0, l));
    return 255 * (c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055);
  };
  const [lr, lg, lb] = [linear(r), linear(g), linear(b)];
  return [
    encoded(1.2249401 * lr - 0.2249404 * lg),
    encoded(-0.0420569 * lr + 1.0420571 * lg),
    encoded(-0.0196376 * lr - 0.0786361 * lg + 1.0982735 * lb),
  ];
}

describe('makeDerivatives', () => {
  it('knows every still and every refused kind in the manifest', () => {
    expect(stills.length).toBeGreaterThan(40);
    expect(stills.filter((fixture) => fixture.kind === 'heic')).toHaveLength(5);
    expect(refused.length).toBeGreaterThan(20);
  });

  it.each(stills.map((fixture) => [fixture.path, fixture] as const))(
    'makes an upright thumbnail and preview of %s',
    async (_path, fixture) => {
      const derivatives = derivativesOf(await makeDerivatives(file(fixture.path)));
      expect(derivatives.map((derivative) => derivative.role)).toEqual(['thumbnail', 'preview']);
      const [uprightWidth, uprightHeight] = uprightSize(fixture);
      for (const { role, bytes, format, width, height } of derivatives) {
        // Scaled to the role's long edge, never enlarged.
        const longEdge = Math.min(LONG_EDGE[role], Math.max(uprightWidth, uprightHeight));
        expect(Math.max(width, height)).toBe(longEdge);
        // The same aspect ratio as the upright original, give or take rounding to whole pixels.
        const expectedHeight = (width * uprightHeight) / uprightWidth;
        expect(Math.abs(height - expectedHeight)).toBeLessThanOrEqual(1);

        expect(format).toBe('webp');
        const decoded = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
        expect([decoded.info.width, decoded.info.height]).toEqual([width, height]);
        const metadata = await sharp(bytes).metadata();
        expect(metadata.format).toBe('webp');
        expect([metadata.exif, metadata.xmp, metadata.icc]).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
      }
    },
  );

  it.each(refused.map((fixture) => [fixture.path]))('refuses %s quickly', async (fixturePath) => {
    expect(await makeDerivatives(file(fixturePath))).toEqual({
      ok: false,
      error: 'no derivatives for this kind of file',
    });
  });

  it.each(corrupt.map((fixture) => [fixture.path]))(
    'resolves, without throwing, for the damaged %s',
    async (fixturePath) => {
      const result = await makeDerivatives(file(fixturePath));
      if (!result.ok) expect(result.error).toMatch(/^(cannot decode image|no derivatives)/);
    },
  );

  it("shows an iPhone HEIC's Display P3 colours converted to sRGB, not taken for sRGB", async () => {
    const path = file('heic/heic-iphone.heic');
    const [thumbnail] = derivativesOf(await makeDerivatives(path));
    if (!thumbnail) throw new Error('no thumbnail');
    const made = await meanColour(sharp(thumbnail.bytes));
    // The oracle: the file's own pixels, scaled alike, converted by the standard P3-to-sRGB
    // matrix. Both spaces share the sRGB transfer curve.
    const { width, height, data } = await decodeHeif(readFileSync(path), Infinity);
    const scaled = sharp(data, { raw: { width, height, channels: 4 } }).resize({
      width: LONG_EDGE.thumbnail,
      height: LONG_EDGE.thumbnail,
      fit: 'inside',
    });
    const taken = await meanColour(scaled.clone());
    const converted = await meanColour(scaled.clone(), displayP3ToSrgb);
    for (const channel of [0, 1, 2]) {
      expect(Math.abs((made[channel] ?? 0) - (converted[channel] ?? 0))).toBeLessThan(1.5);
    }
    // The difference is real: taken for sRGB, the red of this photo is off by several levels.
    expect(Math.abs((taken[0] ?? 0) - (converted[0] ?? 0))).toBeGreaterThan(4);
  });

  it('reports a damaged image readably', async () => {
    expect(await makeDerivatives(file('corrupt/broken_data_stream.png'))).toEqual({
      ok: false,
      error: 'cannot decode image: vipspng: libpng read error',
    });
  });

  it('refuses the GIF decompression bomb by its declared size, before decoding', async () => {
    const result = await makeDerivatives(file('corrupt/decompression_bomb.gif'));
    expect(result).toEqual({
      ok: false,
      error: 'cannot decode image: 65535×66601 pixels exceeds the pixel limit of 100000000',
    });
  });

  it.each([['livephoto/train.jpg'], ['heic/sewing-threads.heic']])(
    'refuses %s when its header declares more pixels than the limit',
    async (fixturePath) => {
      const limits = { ...DEFAULT_DERIVATIVE_LIMITS, maxPixels: 1_000_000 };
      const result = await makeDerivatives(file(fixturePath), limits);
      expect(errorOf(result)).toMatch(/^cannot decode image: .*exceeds (the )?pixel limit/);
    },
  );

  it('says when the file cannot be read', async () => {
    const result = await makeDerivatives(file('no/such/file.jpg'));
    expect(errorOf(result)).toMatch(/^cannot read file: ENOENT/);
  });
});

describe('DerivativeWorkers', () => {
  const pools: DerivativeWorkers[] = [];
  const pool = (size: number, workerModule?: URL): DerivativeWorkers => {
    const workers = new DerivativeWorkers(size, workerModule && { workerModule });
    pools.push(workers);
    return workers;
  };
  afterAll(async () => {
    await Promise.all(pools.map((workers) => workers.close()));
  });

  it('gives the same results as a direct call', async () => {
    const workers = pool(2);
    const paths = [
      'jpeg/mongolia.jpeg',
      'heic/classic-car.heic',
      'jpeg/orientation/f6t.jpg',
      'corrupt/broken.png',
      'video/exiftool-QuickTime.mov',
    ];
    const viaWorkers = await Promise.all(
      paths.map((fixturePath) => workers.make(file(fixturePath))),
    );
    const direct = await Promise.all(
      paths.map((fixturePath) => makeDerivatives(file(fixturePath))),
    );
    expect(viaWorkers).toEqual(direct);
    expect(viaWorkers.filter((result) => result.ok)).toHaveLength(3);
    for (const derivative of viaWorkers.flatMap((result) =>
      result.ok ? result.derivatives : [],
    )) {
      expect(Buffer.isBuffer(derivative.bytes)).toBe(true);
    }
  });

  it('stops a worker that runs over time and serves the next job with a fresh one', async () => {
    const workers = pool(1);
    // Warm up first, so that the limit hits the worker mid-job rather than while it starts.
    expect(derivativesOf(await workers.make(file('heic/hopper.heif')))).toHaveLength(2);
    const limits = { ...DEFAULT_DERIVATIVE_LIMITS, timeoutMs: 1 };
    const slow = workers.make(file('heic/classic-car.heic'), limits);
    const next = workers.make(file('jpeg/mongolia.jpeg'));
    expect(await slow).toEqual({ ok: false, error: 'decoding took longer than 1 ms' });
    expect(derivativesOf(await next)).toHaveLength(2);
  });

  it('survives a worker that dies mid-job and keeps serving', async () => {
    // The real worker, plus an uncaught exception when asked for a file named "crash". Its
    // listener goes second: the first one attached starts the flow of messages.
    const crashing = `
      import { parentPort } from 'node:worker_threads';
      await import(${JSON.stringify(new URL('./derivative-worker.ts', import.meta.url).href)});
      parentPort.on('message', (job) => {
        if (job.file === 'crash') throw new Error('decoder blew up');
      });
    `;
    const workers = pool(1, new URL(`data:text/javascript,${encodeURIComponent(crashing)}`));
    const [crashed, after] = await Promise.all([
      workers.make('crash'),
      workers.make(file('heic/hopper.heif')),
    ]);
    expect(crashed).toEqual({ ok: false, error: 'derivative worker stopped (decoder blew up)' });
    expect(derivativesOf(after)).toHaveLength(2);
  });

  it('answers every job once closed', async () => {
    const workers = pool(1);
    const running = workers.make(file('heic/heic-iphone.heic'));
    const queued = workers.make(file('jpeg/mongolia.jpeg'));
    await workers.close();
    expect(errorOf(await running)).toMatch(/^derivative worker stopped/);
    expect(await queued).toEqual({ ok: false, error: 'derivative workers are closed' });
    expect(await workers.make(file('jpeg/mongolia.jpeg'))).toEqual({
      ok: false,
      error: 'derivative workers are closed',
    });
  });
});
