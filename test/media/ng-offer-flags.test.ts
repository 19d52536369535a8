import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addFlags, outgoingFlags, type LegPolicy } from '../../src/media/ng-offer-flags.js';

const leg = (o: Partial<LegPolicy> = {}): LegPolicy => ({
  pbxSource: '192.0.2.10',
  srtpPbx: false,
  codecs: ['PCMU', 'PCMA', 'G729'],
  srtpCarrier: false,
  carrierCodecs: [],
  ...o,
});

test('offer flags toward the carrier follow its codecs and SRTP setting; answers keep the offer protocol', () => {
  const rows: Array<[string, LegPolicy, boolean, Record<string, unknown>]> = [
    [
      'plain carrier, no codecs of its own: the trunk codecs',
      leg(),
      true,
      {
        'transport-protocol': 'RTP/AVP',
        codec: { strip: ['all'], except: ['PCMU', 'PCMA', 'G729', 'telephone-event'] },
      },
    ],
    [
      'carrier codecs: trunk ∩ carrier, in the trunk order',
      leg({ carrierCodecs: ['G729', 'PCMA'] }),
      true,
      { codec: { strip: ['all'], except: ['PCMA', 'G729', 'telephone-event'] } },
    ],
    [
      'SRTP carrier: SDES only, no NULL cipher',
      leg({ srtpCarrier: true }),
      true,
      { 'transport-protocol': 'RTP/SAVP', DTLS: 'off', SDES: ['no-NULL_HMAC_SHA1_80', 'no-NULL_HMAC_SHA1_32'] },
    ],
    ['an answer to a plain carrier: the protocol is its offer’s', leg(), false, { 'transport-protocol': undefined }],
  ];
  for (const [name, l, isOffer, want] of rows) {
    const got = outgoingFlags('carrier', l, isOffer);
    for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k], v, `${name}: ${k}`);
    assert.equal(got.ICE, 'remove', `${name}: ICE removed toward the carrier`);
  }
  // Toward the PBX the carrier's codecs do not apply: the trunk's do.
  assert.deepEqual(outgoingFlags('pbx', leg({ carrierCodecs: ['PCMA'] }), true).codec, {
    strip: ['all'],
    except: ['PCMU', 'PCMA', 'G729', 'telephone-event'],
  });
});

test('flags: incoming and outgoing go into one command, their flag lists merged', () => {
  const cmd = addFlags(
    { command: 'offer', sdp: 'v=0' },
    { flags: ['trust-address', 'symmetric'] },
    { replace: ['origin'], flags: ['strict-source'] },
  );
  assert.deepEqual(cmd, {
    command: 'offer',
    sdp: 'v=0',
    flags: ['trust-address', 'symmetric', 'strict-source'],
    replace: ['origin'],
  });
  assert.deepEqual(addFlags({}, { flags: ['symmetric'] }, { ICE: 'remove' }), { flags: ['symmetric'], ICE: 'remove' });
});
