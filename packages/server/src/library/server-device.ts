import { asDeviceId } from '@keepsake/core';

/** The device id the server's own ops carry (retention purges, web contributions), so history says who. */
export const SERVER_DEVICE = asDeviceId('keepsake-server');
