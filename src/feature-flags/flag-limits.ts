/** A flag key: lower-case letters and digits, in segments joined by `.`, `_` or `-` (the migration checks it too). */
export const FLAG_KEY_PATTERN = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
export const FLAG_KEY_MAX_LENGTH = 64;
export const FLAG_DESCRIPTION_MAX_LENGTH = 500;
/** Allow lists name testers and pilot customers; a larger audience is what the percentage is for. */
export const MAX_ALLOWED_USERS = 1000;
