import type { ComponentChildren } from 'preact';

/** A failed request, in the API's words; announced to screen readers. */
export function ErrorBox({ error, children }: { error: string | null; children?: ComponentChildren }) {
  if (error === null) return null;
  return (
    <div class="error" role="alert">
      <strong>Error:</strong> {error}
      {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

export function Notice({ text }: { text: string | null }) {
  return (
    <p class="notice" role="status" aria-live="polite">
      {text ?? ''}
    </p>
  );
}
