export { flush, flushFd, foldersFlushed, makeFolders } from './durable-files.js';
