/**
 * Configuration or a command to copy. Wide text scrolls sideways, so the block must be reachable
 * by keyboard to scroll it (WCAG 2.1.1; axe's scrollable-region-focusable).
 */
export function CodeBlock({ label, text, testId }: { label: string; text: string; testId?: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll by keyboard
    <section class="code" aria-label={label} tabIndex={0}>
      <pre data-testid={testId}>{text}</pre>
    </section>
  );
}
