/**
 * The most ops one request may carry. In a module of its own, without the schemas: the web app
 * batches by it, and importing it from op-schema.ts would bundle the whole validation library.
 */
export const MAX_OPS_PER_BATCH = 1000;
