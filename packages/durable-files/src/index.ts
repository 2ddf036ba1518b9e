export { flush, flushFd, flushFolder, makeFolders } from './durable-files.js';
