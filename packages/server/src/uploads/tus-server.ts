import { Server } from '@tus/server';

/** The error code of each status tus answers with text of its own. */
const CODES: Partial<Record<number, string>> = {
  400: 'bad-request',
  403: 'bad-request',
  404: 'not-found',
  409: 'offset-conflict',
  410: 'gone',
  412: 'bad-request',
  413: 'too-large',
};

/** What to do next, after tus's own words for what was wrong. */
const NEXT_STEPS: Partial<Record<number, string>> = {
  409: 'ask with HEAD for the offset the server holds, and send from there',
  410: 'start a new upload',
  412: 'send Tus-Resumable: 1.0.0',
};

/**
 * tus's server, answering every error in the API's shape, `{ error: { code, message } }`: the
 * library's own refusals (a wrong offset, a missing header, an upload gone) are plain text.
 */
export class TusServer extends Server {
  override write(...[context, headers, status, body = '']: Parameters<Server['write']>) {
    if (status < 400 || body.startsWith('{')) return super.write(context, headers, status, body);
    const said = body.trim();
    const next = NEXT_STEPS[status];
    const error = {
      code: CODES[status] ?? (status >= 500 ? 'internal' : 'bad-request'),
      message: next ? `${said}; ${next}` : said,
    };
    headers.set('content-type', 'application/json; charset=utf-8');
    if (status === 412) headers.set('tus-version', '1.0.0');
    return super.write(context, headers, status, JSON.stringify({ error }));
  }
}
