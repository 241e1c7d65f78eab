import type { Redis } from "ioredis";

/** Deletes a lease or lock key only while `owner` holds it: a lapsed one another replica took is left alone. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Gives up `key` if `owner` holds it; never throws (a lease not given back lapses by itself). */
export async function releaseHeld(redis: Redis, key: string, owner: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, owner).catch(() => undefined);
}
