/**
 * Hetzner's Storage Box password policy (the API reference, "Storage Boxes
 * password policy": 12 to 128 characters of a-z A-Z ÄÖÜäöüß 0-9 and
 * ^°!§$%/()=?+#-.,;:~*@{}_&, with at least one upper case letter, one lower
 * case letter, one digit and one special character), and the hash the local
 * SFTP server keeps instead of the password.
 *
 * Simplification: Hetzner also refuses passwords found in known data
 * breaches; the local API does not.
 */
import { execFileSync } from 'child_process';
import { invalidInput } from '../errors';

const SPECIAL = '^°!§$%/()=?+#-.,;:~*@{}_&';
const ALLOWED = new RegExp(`^[a-zA-ZÄÖÜäöüß0-9${SPECIAL.replace(/[\\\]^-]/g, (c) => `\\${c}`)}]+$`);

/** What is wrong with a password under the policy; undefined when it complies. Never echoes the password. */
export function storageBoxPasswordProblem(password: string): string | undefined {
  const chars = [...password];
  const missing = [
    [/[A-ZÄÖÜ]/, 'an upper case letter'],
    [/[a-zäöüß]/, 'a lower case letter'],
    [/[0-9]/, 'a digit'],
    [new RegExp(`[${SPECIAL.replace(/[\\\]^-]/g, (c) => `\\${c}`)}]`), `a special character (${SPECIAL})`],
  ]
    .filter(([re]) => !(re as RegExp).test(password))
    .map(([, what]) => what as string);
  if (chars.length < 12 || chars.length > 128) return `must be 12 to 128 characters long (got ${chars.length})`;
  if (!ALLOWED.test(password)) return `may only contain a-z A-Z ÄÖÜäöüß 0-9 ${SPECIAL}`;
  if (missing.length) return `must contain ${missing.join(', ')}`;
  return undefined;
}

/** The password from a request body, checked against the policy; invalid_input otherwise. */
export function storageBoxPassword(body: any, field = 'password'): string {
  const v = body?.[field];
  if (typeof v !== 'string' || v === '') throw invalidInput(field, 'is required and must be a non-empty string');
  const problem = storageBoxPasswordProblem(v);
  if (problem) throw invalidInput(field, `the password ${problem}`);
  return v;
}

/** A crypt(3) SHA-512 hash (`$6$...`) of the password, for /etc/shadow of the SFTP server. */
export function hashPassword(password: string): string {
  return execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: `${password}\n`, encoding: 'utf8' }).trim();
}
