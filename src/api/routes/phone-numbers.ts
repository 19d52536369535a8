import type { NumberMode, PhoneNumber } from '../../store/types.js';
import { presentPhoneNumber } from '../present.js';
import { okResponses, phoneNumberSchema } from '../response-schemas.js';
import { ok } from '../respond.js';
import { E164_EXPECTED, E164_PATTERN, e164 } from '../validation/e164.js';
import { trunkItemRoutes } from './trunk-item-routes.js';

interface NumberBody {
  phone_number?: string;
  mode?: NumberMode;
}

const fields = {
  phone_number: {
    type: 'string',
    minLength: 1,
    maxLength: 32,
    pattern: E164_PATTERN,
    description: E164_EXPECTED.replace(/^expected /, ''),
    examples: ['+14155550100'],
  },
  mode: {
    type: 'string',
    enum: ['pstn', 'flow'],
    description:
      'pstn (calls go to the trunk destination URIs, default) or flow (routed by the call-routing webhook, ' +
      'docs/flow.md)',
    examples: ['pstn'],
  },
} as const;

export const phoneNumberRoutes = trunkItemRoutes<PhoneNumber, NumberBody, NumberBody>({
  path: 'phone-numbers',
  tags: ['Phone numbers'],
  recordSchema: phoneNumberSchema,
  present: presentPhoneNumber,
  ids: {
    path: 'the numeric id returned by Map Phone Number (not the phone number)',
    query: 'the numeric id of the mapping',
  },
  notFound: (id) => `phone number id ${JSON.stringify(id)} is not mapped to this trunk`,
  summaries: {
    list: 'Get Phone Numbers',
    get: 'Get one phone number',
    remove: 'Remove a phone number from the trunk',
    removeByPath: 'Remove a phone number by path',
  },
  store: {
    list: (store, accountSid, trunkSid, page) => store.listPhoneNumbers(accountSid, trunkSid, page),
    get: (store, accountSid, trunkSid, id) => store.getPhoneNumber(accountSid, trunkSid, id),
    remove: (store, accountSid, trunkSid, id) => store.deletePhoneNumber(accountSid, trunkSid, id),
  },
  create: {
    summary: 'Map Phone Number',
    response: okResponses(phoneNumberSchema),
    body: { type: 'object', additionalProperties: false, required: ['phone_number'], properties: fields },
    handler: async (store, request) => {
      const { account_sid, trunk_sid } = request.params;
      const number = e164('phone_number', request.body.phone_number ?? '');
      const created = await store.addPhoneNumber(account_sid, trunk_sid, number, request.body.mode ?? 'pstn');
      return ok(request, presentPhoneNumber(created));
    },
  },
  update: {
    summary: 'Update Phone Number (mode or number)',
    description: 'phone_number and/or mode',
    properties: fields,
    apply: (store, { account_sid, trunk_sid, id }, body) => {
      const update: { phoneNumber?: string; mode?: NumberMode } = {};
      if (body.phone_number !== undefined) update.phoneNumber = e164('phone_number', body.phone_number);
      if (body.mode !== undefined) update.mode = body.mode;
      return store.updatePhoneNumber(account_sid, trunk_sid, id, update);
    },
  },
});
