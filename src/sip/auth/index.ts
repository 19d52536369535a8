export { buildChallenge, type ChallengeOptions } from './build-challenge.js';
export { parseAuthorization, type DigestCredentials } from './parse-authorization.js';
export { verifyDigest, type VerifyDigestOptions, type DigestVerdict, type DigestFailure } from './verify-digest.js';
export { answerChallenge, type AnswerChallengeOptions } from './answer-challenge.js';
export {
  computeDigestResponse,
  digestHa1,
  normalizeAlgorithm,
  type DigestAlgorithm,
  type DigestResponseInput,
} from './digest-hash.js';
export { createNonce, checkNonce } from './digest-nonce.js';
export { NonceCountCache } from './nonce-count-cache.js';
export { parseDigestParams, quoteDigestValue, type DigestParams } from './digest-params.js';
