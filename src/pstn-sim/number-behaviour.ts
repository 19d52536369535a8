/**
 * What the PSTN simulator does for a dialled number. The table is small on purpose so it is easy
 * to remember: the 555-0100 block of the North American fictional range (+1 500 555 01xx).
 * Documented in docs/pstn-simulator.md; tests rely on it, so entries are never changed.
 */
import { NORMAL_MEDIA, type MediaBehaviour } from './rtp-session.js';

/** How long +15005550109 streams before going silent (the media-timeout case). */
export const SILENT_AFTER_MS = 2000;

export type Behaviour =
  /** 180, 200 with an SDP answer and the prompt as RTP; `earlyMedia`: 183 with SDP and the prompt first. */
  | { kind: 'answer'; media: MediaBehaviour; earlyMedia: boolean }
  | { kind: 'reject'; status: number; reason: string; ringFirst: boolean }
  | { kind: 'ring' };

export const SPECIAL_NUMBERS: ReadonlyArray<{ number: string; behaviour: Behaviour; meaning: string }> = [
  {
    number: '+15005550101',
    behaviour: { kind: 'reject', status: 486, reason: 'Busy Here', ringFirst: false },
    meaning: 'busy (486)',
  },
  {
    number: '+15005550102',
    behaviour: { kind: 'reject', status: 480, reason: 'Temporarily Unavailable', ringFirst: true },
    meaning: 'no answer: rings, then 480',
  },
  {
    number: '+15005550103',
    behaviour: { kind: 'reject', status: 604, reason: 'Does Not Exist Anywhere', ringFirst: false },
    meaning: 'does not exist (604)',
  },
  {
    number: '+15005550104',
    behaviour: { kind: 'reject', status: 603, reason: 'Decline', ringFirst: true },
    meaning: 'declined (603) after ringing',
  },
  {
    number: '+15005550105',
    behaviour: { kind: 'ring' },
    meaning: 'rings forever (180, never answers: for CANCEL → 487)',
  },
  {
    number: '+15005550106',
    behaviour: { kind: 'reject', status: 503, reason: 'Service Unavailable', ringFirst: false },
    meaning: 'carrier failure (503)',
  },
  {
    number: '+15005550107',
    behaviour: { kind: 'answer', media: { send: false, listen: true, stopSendingAfterMs: null }, earlyMedia: false },
    meaning: 'answers, sends no RTP (counts what it gets: one-way or no audio)',
  },
  {
    number: '+15005550108',
    behaviour: { kind: 'answer', media: { send: true, listen: false, stopSendingAfterMs: null }, earlyMedia: false },
    meaning: 'answers, sends RTP to the SDP address, ignores what it gets (no latching)',
  },
  {
    number: '+15005550109',
    behaviour: {
      kind: 'answer',
      media: { send: true, listen: true, stopSendingAfterMs: SILENT_AFTER_MS },
      earlyMedia: false,
    },
    meaning: `answers, sends RTP for ${SILENT_AFTER_MS / 1000} s, then silence (media timeout)`,
  },
  {
    number: '+15005550110',
    behaviour: { kind: 'answer', media: NORMAL_MEDIA, earlyMedia: true },
    meaning: '183 with SDP and the prompt as early media for 1 s, then 200',
  },
];

const TABLE = new Map(SPECIAL_NUMBERS.map((e) => [e.number, e.behaviour]));
const ANSWER: Behaviour = { kind: 'answer', media: NORMAL_MEDIA, earlyMedia: false };

/** Any other number is answered (180, then 200 with an SDP answer and the prompt as RTP). */
export function behaviourFor(dialled: string | null): Behaviour {
  if (dialled === null) return ANSWER;
  const d = dialled.split(';')[0] as string;
  return TABLE.get(d.startsWith('+') ? d : `+${d}`) ?? ANSWER;
}
