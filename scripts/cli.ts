/**
 * For the commands that take no arguments (`npm start`, `npm run migrate`, `npm run catalogue`): `--help` prints what the
 * command does and exits 0; anything else exits 2 with the same text. Neither runs the command: an operator asking
 * for help must not migrate every database.
 */
export function takesNoArguments(usage: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (argv.length === 0) return;
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    console.log(usage);
    process.exit(0);
  }
  console.error(`unknown argument ${argv[0]}\n${usage}`);
  process.exit(2);
}
