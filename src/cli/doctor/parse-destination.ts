/** `<ip|host>:<port>;transport=<tls|tcp>` (spec, Add Destination URI) → its parts. */
export function parseDestination(
  destination: string,
): { host: string; port: number; transport: 'tcp' | 'tls' | 'udp' } | null {
  const m = /^(?:sips?:)?(\[[^\]]+\]|[^:;]+)(?::(\d+))?((?:;[^;]*)*)$/i.exec(destination.trim());
  if (!m) return null;
  const params = new Map(
    (m[3] ?? '')
      .split(';')
      .filter(Boolean)
      .map((p) => {
        const [k, v] = p.split('=');
        return [(k ?? '').toLowerCase(), (v ?? '').toLowerCase()] as const;
      }),
  );
  const transport = (params.get('transport') || 'tcp') as 'tcp' | 'tls' | 'udp';
  const port = m[2] ? Number(m[2]) : transport === 'tls' ? 5061 : 5060;
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port, transport };
}
