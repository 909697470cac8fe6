import { defineEvent } from '../../platform/events';

/** A new account exists; a mail adapter welcomes its owner (who then knows the address was used). */
export interface UserRegisteredPayload {
  readonly userId: string;
  readonly email: string;
}

export const UserRegistered = defineEvent<UserRegisteredPayload>('user.registered');

/**
 * A registration that created nothing because the email or the username is taken. The caller got
 * the same answer as for a new account (nothing about who is registered leaks to an anonymous
 * caller); a mail adapter tells the owner of `email` instead: "someone tried to sign up with your
 * address" (`email_taken`) or "choose another username" (`username_taken`).
 */
export interface RegistrationRefusedPayload {
  readonly email: string;
  readonly reason: 'email_taken' | 'username_taken';
}

export const RegistrationRefused = defineEvent<RegistrationRefusedPayload>('user.registration_refused');
