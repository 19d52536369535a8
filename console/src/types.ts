/** The API's records, as the console reads them (see the OpenAPI document at /docs). */
export interface Trunk {
  trunk_sid: string;
  trunk_name: string;
  nso_code: string;
  domain_name: string;
  status: 'active' | 'inactive';
  auth_type: string;
  registration_enabled: boolean;
  secure_trunking: boolean;
  max_calls_per_second: number | null;
  max_concurrent_calls: number | null;
  date_created: string;
  date_updated: string;
}

export interface PhoneNumber {
  id: string;
  phone_number: string;
  mode: 'pstn' | 'flow';
}

export interface WhitelistedIp {
  id: string;
  ip: string;
  mask: number;
}

export interface DestinationUri {
  id: string;
  destination: string;
  priority: number;
  weight: number;
}

export interface Setting {
  name: string;
  value: string;
}

export interface CallRecord {
  id: string;
  call_id: string;
  direction: string;
  caller: string | null;
  callee: string | null;
  source_ip: string;
  final_code: number | null;
  cause: string | null;
  started_at: string;
  duration_ms: number | null;
  explanation: { meaning: string; explanation: string; fix: string; topic: string | null } | null;
}

export interface BulkItem<T> {
  code: number;
  status: 'success' | 'failure';
  error_data: { description: string } | null;
  data: T | null;
}
