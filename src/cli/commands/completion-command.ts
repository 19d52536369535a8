import type { Command } from 'commander';
import { print, type CliIo } from './cli-io.js';
import { runAction, UsageError } from './run-action.js';

/** Every command path ('' for the program, 'trunks', 'trunks create', …) with its words. */
function tree(program: Command): Map<string, { subs: string[]; options: string[] }> {
  const out = new Map<string, { subs: string[]; options: string[] }>();
  const walk = (cmd: Command, path: string): void => {
    const subs = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
    const options = [
      ...cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => typeof f === 'string')),
      '--help',
    ];
    out.set(path, { subs, options });
    for (const c of cmd.commands) if (c.name() !== 'help') walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(program, '');
  return out;
}

/** Bash (4+) completion: sub-commands by position, then each command's options. Also loads in zsh via bashcompinit. */
export function bashCompletion(program: Command): string {
  const lines: string[] = [];
  for (const [path, { subs, options }] of tree(program)) {
    // Keys start with "vsip": bash refuses an empty associative-array subscript.
    const key = JSON.stringify(path ? `vsip ${path}` : 'vsip');
    lines.push(`  _vsip_subs[${key}]=${JSON.stringify(subs.join(' '))}`);
    lines.push(`  _vsip_opts[${key}]=${JSON.stringify(options.join(' '))}`);
  }
  return `# vsip completion for bash: source <(vsip completion bash)
# (zsh: autoload bashcompinit && bashcompinit first)
_vsip() {
  local -A _vsip_subs _vsip_opts
${lines.join('\n')}
  local node="vsip" w i cur="\${COMP_WORDS[COMP_CWORD]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ " \${_vsip_subs[$node]} " == *" $w "* ]]; then node="$node $w"; fi
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "\${_vsip_opts[$node]}" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "\${_vsip_subs[$node]}" -- "$cur") )
  fi
}
complete -F _vsip vsip
`;
}

export function registerCompletionCommand(program: Command, io: CliIo): void {
  program
    .command('completion <shell>')
    .description('print a shell completion script (bash; zsh through bashcompinit)')
    .addHelpText(
      'after',
      `
Examples:
  $ vsip completion bash > /etc/bash_completion.d/vsip
  $ source <(vsip completion bash)`,
    )
    .action((shell: string) =>
      runAction(io, async () => {
        if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`shell must be bash or zsh, got "${shell}"`);
        print(io, bashCompletion(program));
      }),
    );
}
