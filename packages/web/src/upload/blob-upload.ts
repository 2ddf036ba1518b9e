import type { BlobHash } from '@keepsake/core';
import { DetailedError, Upload } from 'tus-js-client';

const UPLOADS_PATH = '/api/v1/uploads';

/**
 * Waits between tries after a failed request: a network switch or a server restart is ridden
 * out for about two minutes before the file is reported failed. Each try resumes at the offset
 * the server stored (a HEAD asks for it), so nothing sent is sent again.
 */
const RETRY_DELAYS_MS = [0, 1_000, 3_000, 5_000, 10_000, 20_000, 30_000, 60_000];

/**
 * Sends a file's bytes over the resumable upload protocol (tus), as the blob with this SHA-256.
 * An upload this browser started earlier for the same user and bytes, cut by a closed tab or a
 * reload, is resumed where it stopped: tus-js-client keeps its address in local storage, found
 * by the bytes' hash rather than the file's name, so a renamed copy resumes too.
 */
export async function uploadBlob(
  file: File,
  hash: BlobHash,
  owner: string,
  onProgress: (sentBytes: number) => void,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: new URL(UPLOADS_PATH, window.location.href).href,
      metadata: { sha256: hash },
      fingerprint: () => Promise.resolve(`keepsake-upload:${owner}:${hash}`),
      removeFingerprintOnSuccess: true,
      retryDelays: RETRY_DELAYS_MS,
      onProgress: (sent) => {
        onProgress(sent);
      },
      onSuccess: () => {
        resolve();
      },
      onError: (error) => {
        reject(new Error(uploadFailure(error)));
      },
    });
    void upload.findPreviousUploads().then(
      ([previous]) => {
        if (previous) upload.resumeFromPreviousUpload(previous);
        upload.start();
      },
      (error: unknown) => {
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Why an upload failed, for a person: the server's own message where it sent one. */
function uploadFailure(error: Error): string {
  const response = error instanceof DetailedError ? error.originalResponse : null;
  if (!response) return 'the connection to the server failed; try again when you are back online';
  try {
    const body = JSON.parse(response.getBody()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // Not the server's JSON (a proxy's page): its status says enough.
  }
  return `the server answered ${String(response.getStatus())}`;
}
