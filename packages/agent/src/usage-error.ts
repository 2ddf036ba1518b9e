/** A request that cannot be carried out as asked (an unknown asset, say): the user's to fix. */
export class UsageError extends Error {}
