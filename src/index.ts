/**
 * The `vsip` package's public API: the typed client of the vSIP Trunk Configuration API.
 * `import { VsipClient, VsipApiError } from 'vsip'`. Everything else is internal.
 */
export * from './client/index.js';
