// @keepsake/media: reading photo and video metadata, and making thumbnails and previews.
export { readMediaMeta, type MediaKind, type MediaReading } from './metadata/read-media-meta.js';
export {
  DEFAULT_DERIVATIVE_LIMITS,
  makeDerivatives,
  type Derivative,
  type DerivativeLimits,
  type DerivativeResult,
} from './derivatives/make-derivatives.js';
export { DerivativeWorkers } from './derivatives/derivative-workers.js';
export { startTsWorker } from './ts-worker.js';
