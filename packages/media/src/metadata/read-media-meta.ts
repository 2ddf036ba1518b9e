import { metaSchema, type MediaMeta } from '@keepsake/core';
import { withFileSource, type ByteSource } from './byte-source.js';
import { FORMAT_READERS } from './format-readers.js';
import { kindFromExtension, sniffFormat, SNIFF_LENGTH, type MediaKind } from './sniff.js';

export type { MediaKind } from './sniff.js';

export type MediaReading =
  | {
      readonly ok: true;
      readonly kind: MediaKind;
      readonly fileType: string;
      readonly meta: MediaMeta;
    }
  | { readonly ok: false; readonly kind: MediaKind; readonly error: string };

/**
 * Reads capture time (with zone), GPS, camera, dimensions, orientation, duration, Live Photo
 * content identifier. Never throws for bad input: a file it cannot parse gives ok:false with
 * a readable error.
 */
export async function readMediaMeta(file: string): Promise<MediaReading> {
  try {
    return await withFileSource(file, (source) => readSource(source, file));
  } catch (error) {
    // Opening or reading the file failed (missing, a directory, unreadable).
    return failure(kindFromExtension(file), describe(error));
  }
}

async function readSource(source: ByteSource, file: string): Promise<MediaReading> {
  if (source.size === 0) return failure(kindFromExtension(file), 'the file is empty');
  const format = sniffFormat(await source.read(0, SNIFF_LENGTH), file);
  if (format === undefined) {
    return failure(kindFromExtension(file), 'the content is not a photo or video format we read');
  }
  const problems: string[] = [];
  try {
    const reading = await FORMAT_READERS[format.container]({ source, file, format, problems });
    const meta = schemaValid(reading.meta);
    if (Object.keys(meta).length === 0) {
      return failure(
        format.kind,
        problems[0] ?? `the ${format.fileType} file holds nothing we read`,
      );
    }
    return { ok: true, kind: format.kind, fileType: reading.fileType ?? format.fileType, meta };
  } catch (error) {
    return failure(format.kind, describe(error));
  }
}

/** The fields the schema accepts: one odd value (a 300-character model name) must not cost the rest. */
function schemaValid(meta: MediaMeta): MediaMeta {
  const result = metaSchema.safeParse(meta);
  if (result.success) return result.data;
  const refused = new Set(result.error.issues.map((issue) => issue.path[0]));
  return metaSchema.parse(
    Object.fromEntries(Object.entries(meta).filter(([field]) => !refused.has(field))),
  );
}

function failure(kind: MediaKind, reason: string): MediaReading {
  return { ok: false, kind, error: `could not read metadata: ${reason}` };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
