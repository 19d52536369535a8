import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * diagnostics_channel channels of the gateway (STYLE.md §15). Publishers check `hasSubscribers`
 * first, so an unobserved gateway pays one property read per call.
 * - `vsip:gateway:call`   the `NewCallRecord` written to the call log, as it is recorded
 */
export const gatewayChannels = {
  call: diagnosticsChannel.channel('vsip:gateway:call'),
} as const;
