/**
 * `npm run secrets`: makes the passwords docker-compose.yml reads as its secrets (and `npm start` would make), one file
 * each in `.chanjiao/secrets` (CHANJIAO_SECRETS_DIR), keeping those already there. Prints the files, never a password.
 */
import { join } from 'node:path';
import { takesNoArguments } from './cli';
import { STACK_APPS } from './stack-plan';
import { PASSWORD_VARIABLES, secretsDir, stackPassword } from './stack-secrets';

/** The admins' passwords compose needs besides the services' (npm start uses the local admins: postgres, guest). */
export const COMPOSE_ADMIN_PASSWORDS = ['POSTGRES_PASSWORD', 'RABBITMQ_ADMIN_PASSWORD'] as const;

/** Every password compose reads, by the variable that may give it. */
export function composePasswordVariables(): string[] {
  return [
    ...COMPOSE_ADMIN_PASSWORDS,
    ...STACK_APPS.flatMap((app) => [PASSWORD_VARIABLES.database(app), PASSWORD_VARIABLES.broker(app)]),
    PASSWORD_VARIABLES.keysOwner,
    PASSWORD_VARIABLES.keysVerifier,
    PASSWORD_VARIABLES.biReader,
  ];
}

if (require.main === module) {
  takesNoArguments(
    'usage: npm run secrets\n  makes the passwords docker-compose.yml reads (one file each in .chanjiao/secrets, or CHANJIAO_SECRETS_DIR), keeping those there',
  );
  const dir = secretsDir();
  for (const name of composePasswordVariables()) {
    // A password given in env is not written: the file is what compose reads.
    stackPassword(name, { CHANJIAO_SECRETS_DIR: dir });
    console.log(join(dir, name.toLowerCase()));
  }
}
