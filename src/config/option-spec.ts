/** The shape of one `vsip serve` setting (options.ts lists them). */
export type OptionType = 'string' | 'port' | 'int' | 'enum' | 'path';

export interface OptionSpec {
  /** Key in the flat settings record (camelCase of the flag). */
  key: string;
  flag: string;
  env: string;
  type: OptionType;
  /** String form of the default; null means "not set". */
  default: string | null;
  values?: readonly string[];
  min?: number;
  max?: number;
  help: string;
  /** Value placeholder shown in --help. */
  arg?: string;
}
