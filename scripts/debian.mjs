/**
 * What the project's install scripts (ensure-*.mjs) share: installing Debian packages with apt-get as root,
 * or, not as root, the exact command to run. Nothing comes from anywhere but Debian's archive.
 * Node builtins only.
 */
import { spawnSync } from 'node:child_process';

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The command a person runs as root to install the packages. */
export const installCommand = (packages) => `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages.join(' ')}`;

/** Whether dpkg knows the package as installed (false where there is no dpkg). */
export function debianPackageInstalled(name) {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  if (query.error) return false;
  return query.status === 0 && query.stdout.includes('install ok installed');
}

/** Runs a command with its output shown, after printing it; throws when it fails. */
export function run(log, command, args, env = process.env) {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}`);
}

/** apt-get update, then install the packages (as root). */
export function aptInstall(log, packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run(log, 'apt-get', ['update'], env);
  run(log, 'apt-get', ['install', '-y', ...packages], env);
}
