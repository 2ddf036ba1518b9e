export { flush, flushFd, makeFolders } from './durable-files.js';
