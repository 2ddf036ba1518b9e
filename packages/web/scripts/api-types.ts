// `npm run api-types -w @keepsake/web`: writes src/api/openapi.d.ts from the server's routes.
import { writeFileSync } from 'node:fs';
import { API_TYPES_FILE, apiTypesSource } from './api-types-source.js';

writeFileSync(API_TYPES_FILE, await apiTypesSource());
console.log(`wrote ${API_TYPES_FILE.pathname}`);
