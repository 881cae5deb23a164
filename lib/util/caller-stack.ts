/**
 * Promise-returning native calls reject on another tick, from a worker's completion, where the
 * stack holds nothing of the caller's code. Like sharp, capture the stack when the call is made
 * and put it under the error's own message, so a rejection points at the line that made the call.
 * @module
 */

/**
 * Runs `start` and, when its Promise rejects, gives the error the stack at the call of
 * withCallerStack: the public function that called it, then the user's code that called that.
 */
export async function withCallerStack<T>(start: () => Promise<T>): Promise<T> {
  const site: { stack?: string } = {};
  Error.captureStackTrace(site, withCallerStack);
  try {
    return await start();
  } catch (error) {
    if (error instanceof Error && site.stack) {
      const frames = site.stack.slice(site.stack.indexOf('\n') + 1);
      error.stack = `${error.name}: ${error.message}\n${frames}`;
    }
    throw error;
  }
}
