/** Wrong use of the command line: exit code 2 with a short message, no stack trace. */
export class UsageError extends Error {}
