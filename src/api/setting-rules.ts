import { invalidField } from './errors.js';
import { E164_EXPECTED, e164 } from './validation/e164.js';

/**
 * The trunk settings the API accepts, each with the rule its value must follow. Unknown names are
 * rejected (naming the allowed ones) rather than stored, since the gateway would ignore them.
 */
interface SettingRule {
  description: string;
  normalise(field: string, value: string): string;
}

export const SETTING_RULES: Readonly<Record<string, SettingRule>> = {
  trunk_external_alias: {
    description: `caller ID presented on outbound calls; ${E164_EXPECTED}`,
    normalise: (field, value) => e164(field, value),
  },
  codecs: {
    description:
      'audio codecs the trunk allows, a comma-separated list of PCMU, PCMA, G729 (default all three); ' +
      'telephone-event (DTMF) is always kept',
    normalise: (field, value) => {
      const list = [...new Set(value.split(',').map((c) => c.trim().toUpperCase()))];
      if (list.length === 0 || list.some((c) => !['PCMU', 'PCMA', 'G729'].includes(c)))
        throw invalidField(field, 'expected a comma-separated list of PCMU, PCMA, G729, e.g. "PCMA,PCMU"');
      return list.join(',');
    },
  },
};

export function normaliseSetting(index: number, name: string, value: string): string {
  // Own keys only: `__proto__` or `constructor` must be unknown names (400), not inherited members (500).
  const rule = Object.hasOwn(SETTING_RULES, name) ? SETTING_RULES[name] : undefined;
  if (rule === undefined) {
    throw invalidField(
      `settings[${index}].name`,
      `${JSON.stringify(name)} is not a known setting; expected one of ${Object.keys(SETTING_RULES).join(', ')}`,
    );
  }
  return rule.normalise(`settings[${index}].value`, value);
}
