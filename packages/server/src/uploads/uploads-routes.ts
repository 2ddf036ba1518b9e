import { randomBytes } from 'node:crypto';
import { link, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SHA256_HEX, asBlobHash } from '@keepsake/core';
import { Metadata, type Upload } from '@tus/utils';
import { EVENTS, type ServerOptions } from '@tus/server';
import { hashFile } from '../blobs/hash-file.js';
import { storeBlobFiles } from '../blobs/store-blob-files.js';
import { quotaOf } from '../config.js';
import { CountedFileStore } from './counted-file-store.js';
import { TusServer } from './tus-server.js';
import { checksumMismatch, removeStaleFiles, wholeUploads, type Creation } from './whole-upload.js';
import { ApiError, badRequest, tooLarge } from '../http/api-error.js';
import { INTERNAL_ERROR_MESSAGE } from '../http/error-handler.js';
import type { ServerContext } from '../http/server-context.js';
import { QuotaExceededError, type UserRecord } from '../store/metadata-store.js';
import type { ZodApp } from '../http/zod-app.js';

export const UPLOADS_PATH = '/api/v1/uploads';

/** The second link to a finished upload's file that the blob store takes (see onUploadFinish). */
const ADOPT = '.adopt';

/**
 * How long a complete upload file must lie untouched before the sweep takes it for one no
 * finish will come for: an upload's finish starts only once its last write has been flushed.
 */
const COMPLETE_UNTOUCHED_MS = 60_000;

/** Unfinished resumable uploads one user may hold: a client resumes its own, so few are open. */
const MAX_UPLOADS_IN_PROGRESS = 256;

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
const refusal = (error: ApiError) => refuse(error.status, error.code, error.message);

/**
 * An upload the library has no room for: the same answer at its creation and at its finish,
 * naming at creation the bytes that unfinished uploads already hold.
 */
const overQuota = (quota: number, unfinishedBytes = 0) =>
  new ApiError(
    413,
    'quota-exceeded',
    `this upload would take the library past its quota of ${String(quota)} bytes${
      unfinishedBytes > 0
        ? `, counting ${String(unfinishedBytes)} bytes of unfinished uploads (finish them, or they expire)`
        : ''
    }; free space or ask an administrator for more`,
  );

/**
 * Resumable uploads over the tus protocol (1.0, creation + expiration extensions). The client
 * creates an upload with `Upload-Length` and `Upload-Metadata: sha256 <base64 of the hex>`, then
 * PATCHes bytes; after a cut connection, HEAD gives the offset to resume from. The blob exists
 * only once the server has hashed the whole file and found the declared SHA-256.
 *
 * A HEAD or PATCH for an upload another request is still writing takes the upload over: the
 * older request stops, keeping the bytes it wrote, and the newer answers with their offset. That
 * is how a device that moved from one network to another resumes at once, while its old
 * connection has not yet been seen to be dead; it also means a client must not ask HEAD of an
 * upload it is still sending.
 */
export function uploadsRoutes(
  app: ZodApp,
  ctx: ServerContext,
): { expireStale: () => Promise<number> } {
  const directory = join(ctx.config.dataDir, 'uploads');
  const datastore = new CountedFileStore({
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
    const unfinished = await datastore.inProgress(owner.id);
    if (unfinished.uploads >= MAX_UPLOADS_IN_PROGRESS) {
      throw new ApiError(
        429,
        'too-many-uploads',
        `${String(unfinished.uploads)} uploads of yours are unfinished, the most this server keeps open; resume or cancel them (an unfinished upload expires ${String(Math.round(ctx.config.uploadExpiryMs / 3_600_000))} hours after it began)`,
      );
    }
    // A first look, so that a client learns before it sends a byte. Uploads creating at the
    // same moment may each pass it; the claim on the finished bytes holds (see `store`).
    const quota = quotaOf(owner, ctx.config);
    if (
      quota !== null &&
      (await ctx.store.libraryBytes(owner.id)) + unfinished.bytes + size > quota
    ) {
      throw overQuota(quota, unfinished.bytes);
    }
    return { hash: asBlobHash(hash), size };
  };

  /**
   * The verified bytes in `file`, then the library's claim on them, within its quota; `file` is
   * consumed. Refused for the quota, the stored bytes stay in doubt, and retention frees them
   * unless another library holds them.
   */
  const store = async (owner: UserRecord, blob: Creation, file: string) => {
    const quota = quotaOf(owner, ctx.config);
    try {
      await storeBlobFiles(
        ctx.blobGate,
        ctx.store,
        ctx.now(),
        { stored: [blob.hash] },
        () => ctx.blobs.adoptFile(blob.hash, file),
        () => ctx.store.addLibraryBlobs(owner.id, [blob], ctx.now(), quota),
      );
    } catch (error) {
      if (error instanceof QuotaExceededError && quota !== null) throw overQuota(quota);
      throw error;
    }
    ctx.metrics.uploadBytes.inc(blob.size);
    ctx.media.noteTransfer();
    ctx.media.poke();
  };

  /**
   * The finishes running now, by upload, each until its upload's files are removed after it:
   * the sweep leaves their files alone. tus runs a finish after releasing the upload's lock, so
   * a PATCH retried at the end (its answer was lost) can ask for a second while the first runs
   * or its files go; it waits for the first and shares its answer.
   */
  const finishing = new Map<string, { readonly done: Promise<void>; cleaning?: true }>();

  /** Checks a complete tus upload's bytes and stores them as the owner's blob. */
  const finish = async (owner: UserRecord, upload: Upload) => {
    const file = join(directory, upload.id);
    const declared = asBlobHash(upload.metadata?.sha256 ?? '');
    // Hashed as it arrived when every byte came through this process; else read it again.
    const digest =
      upload.size === undefined ? undefined : datastore.takeDigest(upload.id, upload.size);
    const actual =
      digest === undefined ? await hashFile(file) : { hash: digest, size: upload.size ?? 0 };
    if (actual.hash !== declared || actual.size !== upload.size) {
      await datastore.remove(upload.id);
      throw refusal(checksumMismatch(actual.hash, declared));
    }
    // The blob store takes a second link to the bytes: tus still looks at the upload's own
    // file after this hook, and removes it with its record once the response is out. A link
    // left by a finish that died before the blob store took it would fail every later finish.
    const adopted = `${file}${ADOPT}`;
    await rm(adopted, { force: true });
    await link(file, adopted);
    try {
      await store(owner, { hash: declared, size: actual.size }, adopted);
    } catch (error) {
      await rm(adopted, { force: true });
      if (!(error instanceof ApiError)) throw error;
      // Refused (the quota filled meanwhile): nothing is kept, as for a checksum mismatch. A
      // complete upload left in place would tell a resuming client it is done.
      await datastore.remove(upload.id);
      throw refusal(error);
    }
  };

  const whole = wholeUploads({
    uploadsDir: directory,
    uploadsPath: UPLOADS_PATH,
    checkCreation: (owner, metadata, size) => checkCreation(owner, sha256Of(metadata), size),
    store,
  });

  const tus = new TusServer({
    path: UPLOADS_PATH,
    datastore,
    // Behind a proxy that ends TLS, an absolute address would name this side of it (http).
    relativeLocation: true,
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
        if (error instanceof ApiError) throw refusal(error);
        throw error;
      }
    },
    onUploadFinish: async (req, upload) => {
      let running = finishing.get(upload.id);
      if (!running) {
        const done = finish(callerOf(req), upload);
        running = { done };
        finishing.set(upload.id, running);
        // A failed finish has removed what there was to remove (or left it to be tried again).
        done.catch(() => finishing.delete(upload.id));
      }
      await running.done;
      return {};
    },
    // tus answers an unexpected error with its message, and a file system's names the server's
    // paths: it is logged instead, and answered as every other route answers one.
    onResponseError: (_req, error) => {
      if ('status_code' in error && typeof error.status_code === 'number') return undefined;
      app.log.error({ err: error }, 'upload request failed');
      const body = { error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE } };
      return { status_code: 500, body: JSON.stringify(body) };
    },
  });

  // Every request that shared a finish says so; the first removes the upload's files.
  tus.on(EVENTS.POST_FINISH, (_req, _res, upload) => {
    const running = finishing.get(upload.id);
    if (running?.cleaning) return;
    if (running) running.cleaning = true;
    datastore
      .remove(upload.id)
      .catch((error: unknown) => {
        app.log.warn(
          { err: error, upload: upload.id },
          'could not remove a finished upload record',
        );
      })
      .finally(() => finishing.delete(upload.id));
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
  /**
   * Complete uploads no finish holds: finished ones a crash left behind before their cleanup,
   * and ones whose finish failed. A client resuming one finds every byte sent and, as tus
   * clients do, takes it for done; kept until it expired, it would tell every retry that. It
   * goes now, and the client's next try starts afresh. Complete means the file on disk is as
   * long as the upload: tus keeps the offset of its creation, 0, in the record.
   */
  const removeComplete = async () => {
    let removed = 0;
    for (const id of (await datastore.configstore.list?.()) ?? []) {
      const size = (await datastore.configstore.get(id))?.size;
      const file = await stat(join(directory, id)).catch(() => undefined);
      const untouched = file && Date.now() - file.mtimeMs >= COMPLETE_UNTOUCHED_MS;
      if (size === undefined || file?.size !== size || !untouched || finishing.has(id)) continue;
      await datastore.remove(id).catch(() => datastore.dropRecord(id));
      removed += 1;
    }
    return removed;
  };

  /** Expired unfinished uploads, and finished ones a crash left behind before their cleanup. */
  const expireStale = async () => {
    const expiry = ctx.config.uploadExpiryMs;
    // Links a crash left between a finish's link and the blob store taking it go first: tus
    // lists an upload only when its record sorts right after its file, and one hides it.
    const links = await removeStaleFiles(directory, ADOPT, expiry, (name) =>
      finishing.has(name.slice(0, -ADOPT.length)),
    );
    const expired = (await tus.cleanUpExpiredUploads()) + (await whole.expireStale(expiry));
    return links + expired + (await removeComplete());
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
