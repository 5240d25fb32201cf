/** A setting that is missing or invalid: the message names the variables, and stops the process at boot. */
export class ConfigError extends Error {
  constructor(issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
