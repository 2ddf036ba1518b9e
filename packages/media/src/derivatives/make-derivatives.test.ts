import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, readManifest } from '../test-support/fixtures.js';
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
