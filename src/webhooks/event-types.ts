/** Every webhook event type a subscription may ask for (`*` asks for all, including later ones). */
export const WEBHOOK_EVENT_TYPES = [
  'call.initiated',
  'call.ringing',
  'call.answered',
  'call.completed',
  'call.failed',
  'trunk.created',
  'trunk.updated',
  'trunk.deleted',
  'phone_number.created',
  'phone_number.updated',
  'phone_number.deleted',
  'whitelisted_ip.created',
  'whitelisted_ip.updated',
  'whitelisted_ip.deleted',
  'destination_uri.created',
  'destination_uri.updated',
  'destination_uri.deleted',
  'setting.updated',
  /**
   * Not an event: a subscription naming it is the call-routing webhook of `mode: flow` numbers, asked at
   * call time (docs/flow.md). `*` never includes it.
   */
  'call.route',
] as const;
