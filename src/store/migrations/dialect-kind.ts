/** The two SQL dialects the store runs on; migrations branch on it only where SQL differs. */
export type SqlDialectKind = 'sqlite' | 'postgres';
