import type { ConnectionWatcher } from './transport.js';

/**
 * The client transactions waiting on one TCP/TLS connection for a final response. When the
 * connection is gone — closed by the peer, reset, ended by a TLS alert, or by our idle timeout —
 * each hears it at once (RFC 3261 §17.1.4: a transport error, treated as a 503) instead of at
 * Timer B or F. A watcher leaves by deleting itself from the set it was given (`watching`).
 */
export class ConnectionWatchers {
  readonly #set = new Set<ConnectionWatcher>();

  add(watcher: ConnectionWatcher): void {
    this.#set.add(watcher);
    watcher.watching = this.#set;
  }

  /** Tells every watcher that `connection` is lost (`cause`: the socket's last error, if any). */
  lose(connection: string, cause: Error | undefined): void {
    if (this.#set.size === 0) return;
    const watchers = [...this.#set];
    this.#set.clear();
    const why = cause === undefined ? '' : `: ${cause.message}`;
    const err: NodeJS.ErrnoException = new Error(`${connection} closed before the final response${why}`, { cause });
    // The socket's code (ECONNRESET…) stays readable where callers look for it.
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    if (code !== undefined) err.code = code;
    for (const w of watchers) {
      w.watching = undefined;
      w.connectionLost(err);
    }
  }
}
