/** The operator API's wire types (snake_case, as the API answers). */

export interface OperatorAccount {
  account_sid: string;
  name: string;
  api_key: string;
  status: 'active' | 'suspended';
  date_created: string;
}

/** Answered by create and rotate only: the one time the API token is shown. */
export interface OperatorAccountCredentials {
  account_sid: string;
  api_key: string;
  api_token: string;
}

export interface CarrierUriInput {
  uri: string;
  priority?: number;
  weight?: number;
}

export interface CarrierInput {
  name?: string;
  uris?: CarrierUriInput[];
  /** `password` is required on create; on update, leave it out to keep the stored one. */
  credentials?: { username: string; password?: string; auth_username?: string | null; realm?: string | null } | null;
  registration?: { registrar_uri: string; expires?: number; contact_user?: string } | null;
  source_cidrs?: string[];
  codecs?: Array<'PCMU' | 'PCMA' | 'G729'>;
  max_calls_per_second?: number | null;
  max_concurrent_calls?: number | null;
  probe?: boolean;
  srtp?: boolean;
}

export interface CarrierInfo {
  carrier_sid: string;
  name: string;
  uris: Array<{ id: string; uri: string; priority: number; weight: number }>;
  credentials: { username: string; auth_username: string | null; realm: string | null; password_set: boolean } | null;
  registration: { registrar_uri: string; expires: number; contact_user: string } | null;
  source_cidrs: string[];
  codecs: string[];
  max_calls_per_second: number | null;
  max_concurrent_calls: number | null;
  probe: boolean;
  srtp: boolean;
  date_created: string;
  date_updated: string;
}

export interface CarrierRouteInput {
  prefix?: string;
  carriers?: Array<{ carrier_sid: string; priority?: number; weight?: number }>;
}

export interface CarrierRouteInfo {
  route_sid: string;
  prefix: string;
  carriers: Array<{ carrier_sid: string; priority: number; weight: number }>;
  date_created: string;
  date_updated: string;
}
