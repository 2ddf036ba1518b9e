// @keepsake/agent: what runs on each device. So far: registering it with a server, and scanning
// its folder (only what changed is read).
export {
  configDir,
  readDeviceConfig,
  writeDeviceConfig,
  type DeviceConfig,
} from './device-config.js';
export { AlreadyRegistered, login, type LoginRequest } from './login.js';
export { ServerApi, ServerApiError, type RegisteredDevice } from './server-api.js';
export { openAgentState } from './state/agent-state.js';
export { FileFacts } from './scanner/file-facts.js';
export { FileHasher } from './scanner/file-hasher.js';
export { FolderScanner } from './scanner/scan-folder.js';
