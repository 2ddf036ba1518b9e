// @keepsake/agent: what runs on each device. So far: registering it with a server.
export {
  configDir,
  readDeviceConfig,
  writeDeviceConfig,
  type DeviceConfig,
} from './device-config.js';
export { AlreadyRegistered, login, type LoginRequest } from './login.js';
export { ServerApi, ServerApiError, type RegisteredDevice } from './server-api.js';
