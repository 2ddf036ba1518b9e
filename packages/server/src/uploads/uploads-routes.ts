import { randomBytes } from 'node:crypto';
import { link } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SHA256_HEX, asBlobHash, type UserId } from '@keepsake/core';
import { Metadata } from '@tus/utils';
import { EVENTS, Server, type ServerOptions } from '@tus/server';
import { hashFile } from '../blobs/hash-file.js';
import { storeBlobFiles } from '../blobs/store-blob-files.js';
import { HashingFileStore } from './hashing-file-store.js';
import { checksumMismatch, wholeUploads, type Creation } from './whole-upload.js';
import { ApiError, badRequest, tooLarge } from '../http/api-error.js';
import type { ServerContext } from '../http/server-context.js';
import type { UserRecord } from '../store/metadata-store.js';
import type { ZodApp } from '../http/zod-app.js';

export const UPLOADS_PATH = '/api/v1/uploads';

type TusRequest = Parameters<NonNullable<ServerOptions['onIncomingRequest']>>[0];

/** How a tus hook answers with an HTTP error: tus sends `status_code` and `body` as they are. */
class TusRefusal extends Error {
  readonly status_code: number;
  readonly body: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status_code = status;
    this.body = JSON.stringify({ error: { code, message } });
  }
}
const refuse = (status: number, code: string, message: string) =>
  new TusRefusal(status, code, message);

/**
 * Resumable uploads over the tus protocol (1.0, creation + expiration extensions). The client
 * creates an upload with `Upload-Length` and `Upload-Metadata: sha256 <base64 of the hex>`, then
 * PATCHes bytes; after a cut connection, HEAD gives the offset to resume from. The blob exists
 * only once the server has hashed the whole file and found the declared SHA-256.
 */
export function uploadsRoutes(
  app: ZodApp,
  ctx: ServerContext,
): { expireStale: () => Promise<number> } {
  const directory = join(ctx.config.dataDir, 'uploads');
  const datastore = new HashingFileStore({
    directory,
    expirationPeriodInMilliseconds: ctx.config.uploadExpiryMs,
  });
  // The user each request was authenticated as, by its Node request: tus hands the hooks a web
  // Request built from the raw headers, so nothing a client sends can pose as this.
  const callers = new WeakMap<IncomingMessage, UserRecord>();
  const callerOf = (req: TusRequest): UserRecord => {
    const node = (req as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
    const caller = node && callers.get(node);
    if (!caller) throw refuse(401, 'unauthorized', 'sign in or send a device token');
    return caller;
  };

  /** What a creation declares, checked: the SHA-256 it names, a stated size, room in the quota. */
  const checkCreation = async (
    owner: UserRecord,
    declaredHash: string | null | undefined,
    size: number | undefined,
  ): Promise<Creation> => {
    const hash = declaredHash ?? '';
    if (!SHA256_HEX.test(hash)) {
      throw badRequest('Upload-Metadata must carry sha256: the lowercase hex SHA-256 of the bytes');
    }
    if (size === undefined) {
      throw badRequest('state the size with Upload-Length; deferred lengths are not accepted');
    }
    if (size > ctx.config.maxUploadBytes) {
      throw tooLarge(
        `this file is ${String(size)} bytes; this server takes files up to ${String(ctx.config.maxUploadBytes)} bytes`,
      );
    }
    const quota = owner.quotaBytes ?? ctx.config.defaultQuotaBytes;
    if (quota !== null && (await ctx.store.libraryBytes(owner.id)) + size > quota) {
      throw new ApiError(
        413,
        'quota-exceeded',
        `this upload would take the library past its quota of ${quota} bytes; free space or ask an administrator for more`,
      );
    }
    return { hash: asBlobHash(hash), size };
  };

  /** The verified bytes in `file`, then the library's claim on them; `file` is consumed. */
  const store = async (owner: UserId, blob: Creation, file: string) => {
    await storeBlobFiles(
      ctx.blobGate,
      ctx.store,
      ctx.now(),
      { stored: [blob.hash] },
      () => ctx.blobs.adoptFile(blob.hash, file),
      () => ctx.store.addLibraryBlobs(owner, [blob], ctx.now()),
    );
    ctx.metrics.uploadBytes.inc(blob.size);
    ctx.media.poke();
  };

  const whole = wholeUploads({
    uploadsDir: directory,
    uploadsPath: UPLOADS_PATH,
    checkCreation: (owner, metadata, size) => checkCreation(owner, sha256Of(metadata), size),
    store,
  });

  const tus = new Server({
    path: UPLOADS_PATH,
    datastore,
    maxSize: ctx.config.maxUploadBytes,
    namingFunction: () => randomBytes(16).toString('hex'),
    // An upload belongs to the user who created it: anyone else is told it does not exist.
    onIncomingRequest: async (req, uploadId) => {
      if (req.method === 'POST' || req.method === 'OPTIONS') return;
      const upload = await datastore.getUpload(uploadId).catch(() => undefined);
      if (upload?.metadata?.owner !== callerOf(req).id)
        throw refuse(404, 'not-found', 'no upload here');
    },
    onUploadCreate: async (req, upload) => {
      const owner = callerOf(req);
      try {
        const { hash } = await checkCreation(owner, upload.metadata?.sha256, upload.size);
        return { metadata: { ...upload.metadata, sha256: hash, owner: owner.id } };
      } catch (error) {
        if (error instanceof ApiError) throw refuse(error.status, error.code, error.message);
        throw error;
      }
    },
    onUploadFinish: async (req, upload) => {
      const file = join(directory, upload.id);
      const declared = asBlobHash(upload.metadata?.sha256 ?? '');
      // Hashed as it arrived when every byte came through this process; else read it again.
      const digest =
        upload.size === undefined ? undefined : datastore.takeDigest(upload.id, upload.size);
      const actual =
        digest === undefined ? await hashFile(file) : { hash: digest, size: upload.size ?? 0 };
      if (actual.hash !== declared || actual.size !== upload.size) {
        await datastore.remove(upload.id);
        const mismatch = checksumMismatch(actual.hash, declared);
        throw refuse(mismatch.status, mismatch.code, mismatch.message);
      }
      // The blob store takes a second link to the bytes: tus still looks at the upload's own
      // file after this hook, and removes it with its record once the response is out.
      const adopted = `${file}.adopt`;
      await link(file, adopted);
      await store(callerOf(req).id, { hash: declared, size: actual.size }, adopted);
      return {};
    },
  });

  tus.on(EVENTS.POST_FINISH, (_req, _res, upload) => {
    datastore.remove(upload.id).catch((error: unknown) => {
      app.log.warn({ err: error, upload: upload.id }, 'could not remove a finished upload record');
    });
  });

  app.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => {
    done(null);
  });
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const { user } = await ctx.auth.user(request);
    if (await whole.take(request, reply, user)) return;
    callers.set(request.raw, user);
    void reply.hijack();
    await tus.handle(request.raw, reply.raw);
  };
  app.all(UPLOADS_PATH, { schema: { hide: true } }, handler);
  app.all(`${UPLOADS_PATH}/*`, { schema: { hide: true } }, handler);
  /** Expired unfinished uploads, and finished ones a crash left behind before their cleanup. */
  const expireStale = async () => {
    let removed =
      (await tus.cleanUpExpiredUploads()) + (await whole.expireStale(ctx.config.uploadExpiryMs));
    for (const id of (await datastore.configstore.list?.()) ?? []) {
      const info = await datastore.configstore.get(id);
      if (info && info.size !== undefined && info.offset === info.size) {
        await datastore.remove(id).catch(() => datastore.configstore.delete(id));
        removed += 1;
      }
    }
    return removed;
  };
  return { expireStale };
}

/** The sha256 a tus Upload-Metadata header declares; undefined when it declares none. */
function sha256Of(metadata: string | undefined): string | undefined {
  try {
    return Metadata.parse(metadata).sha256 ?? undefined;
  } catch {
    // Malformed metadata declares nothing: the check says what it must carry.
    return undefined;
  }
}
