// Vitest's global setup: builds the web app once into packages/web/dist, where `keepsake serve`
// finds it, so the browser tests see the app exactly as `npm start` serves it.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export default async function buildWebApp(): Promise<void> {
  await build({ root: fileURLToPath(new URL('..', import.meta.url)), logLevel: 'warn' });
}
