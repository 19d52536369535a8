import {
  callSchema,
  credentialsSchema,
  destinationUriSchema,
  errorDataSchema,
  phoneNumberSchema,
  settingSchema,
  trunkSchema,
  whitelistedIpCreatedSchema,
  whitelistedIpSchema,
} from './response-schemas.js';
import { regionItemSchema } from './routes/gateways.js';
import {
  accountCredentialsSchema,
  carrierRouteSchema,
  carrierSchema,
  operatorAccountSchema,
} from './routes/operator/operator-schemas.js';

/**
 * The resource schemas the OpenAPI document names under `components.schemas`: wherever a route's
 * answer uses one of these very objects, the document refers to it by name (openapi-operation.ts),
 * so a client generator makes one `Trunk` type, not one per operation.
 */
export const NAMED_SCHEMAS: ReadonlyArray<readonly [string, object]> = [
  ['ErrorData', errorDataSchema],
  ['Trunk', trunkSchema],
  ['PhoneNumber', phoneNumberSchema],
  ['WhitelistedIp', whitelistedIpSchema],
  ['WhitelistedIpCreated', whitelistedIpCreatedSchema],
  ['DestinationUri', destinationUriSchema],
  ['Setting', settingSchema],
  ['Credentials', credentialsSchema],
  ['Call', callSchema],
  ['Gateway', regionItemSchema],
  ['OperatorAccount', operatorAccountSchema],
  ['AccountCredentials', accountCredentialsSchema],
  ['Carrier', carrierSchema],
  ['CarrierRoute', carrierRouteSchema],
];
