export {
  TransactionLayer,
  type ClientTransaction,
  type ServerTransaction,
  type RequestDispatch,
  type RequestScreen,
  type TransactionLayerOptions,
} from './transaction-layer.js';
export { InviteClientTransaction } from './invite-client-transaction.js';
export { NonInviteClientTransaction } from './non-invite-client-transaction.js';
export { InviteServerTransaction, type InviteServerTransactionEvents } from './invite-server-transaction.js';
export { NonInviteServerTransaction, type NonInviteServerTransactionEvents } from './non-invite-server-transaction.js';
export { ServerTransactionBase, type ReplyOptions, type ServerTransactionEvents } from './server-transaction-base.js';
export { TransactionBase, type TransactionEvents } from './transaction-base.js';
export { DEFAULT_TIMERS, resolveTimers, nodeTimerHost, type TimerConfig, type TimerHost } from './timer-config.js';
export { generateBranch, randomToken, BRANCH_COOKIE } from './branch.js';
export { serverTransactionKey, clientTransactionKey, responseTransactionKey } from './transaction-key.js';
export { buildAckForNon2xx } from './build-ack.js';
export {
  ignoringClientUser,
  ignoringServerUser,
  type ClientTransactionUser,
  type InviteServerTransactionUser,
} from './transaction-user.js';
