import { dictionary } from '@zxcvbn-ts/language-common';

export const minPasswordLength = 12;
export const maxPasswordLength = 256;

// About 49,000 of the most common passwords (zxcvbn-ts's list), lower-cased.
const commonPasswords = new Set(
  (dictionary['passwords-common'] as string[]).map((password) => password.toLowerCase()),
);

/** Why the password is refused, or null when it is acceptable (OWASP ASVS 5, V6.2). */
export function passwordProblem(password: string): string | null {
  const length = Array.from(password).length; // code points, not UTF-16 units
  if (length < minPasswordLength) return `must be at least ${minPasswordLength} characters`;
  if (length > maxPasswordLength) return `must be at most ${maxPasswordLength} characters`;
  if (commonPasswords.has(password.toLowerCase())) return 'is too common; choose another';
  return null;
}
