import { randomInt } from 'node:crypto';

/** No 0/O, 1/l/I: the password is read off a screen and typed in by someone else. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** 12 characters of 55: about 69 bits, beyond online guessing behind the sign-in limits. */
const LENGTH = 12;

/** A password for a new account whose admin gave none; shown to the admin once. */
export function generateInitialPassword(): string {
  return Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}
