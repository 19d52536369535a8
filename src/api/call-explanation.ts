import { explainCall } from '../cli/knowledge/explain-call.js';
import type { presentCall } from './present.js';

export interface CallExplanationField {
  meaning: string;
  explanation: string;
  fix: string;
  topic: string | null;
}

/**
 * A failed call in the spec's troubleshooting words, with the fix filled in for this trunk: the
 * knowledge `vsip explain` uses, given by the API so that any client (the console among them)
 * shows the same text. Null for answered or still ringing calls: nothing to explain.
 */
export function callExplanation(call: ReturnType<typeof presentCall>, trunkSid: string): CallExplanationField | null {
  if (call.final_code === null || call.final_code < 300) return null;
  const e = explainCall(call, trunkSid);
  return { meaning: e.meaning, explanation: e.explanation, fix: e.fix, topic: e.topic };
}
