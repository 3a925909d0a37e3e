/**
 * SDK middleware hooks for tests and benchmarks: observe or fail commands by name, the way a
 * crash or an outage at that step would, without mocking the SDK.
 */
interface HasMiddleware {
  middlewareStack: { add(middleware: unknown, options: { step: 'initialize'; name: string }): void };
}

type Next = (args: unknown) => Promise<unknown>;

export function onCommand(
  client: unknown,
  name: string,
  hook: (commandName: string, input: unknown) => void,
): void {
  (client as HasMiddleware).middlewareStack.add(
    (next: Next, context: { commandName?: string }) => async (args: unknown) => {
      hook(String(context.commandName), (args as { input?: unknown } | undefined)?.input);
      return next(args);
    },
    { step: 'initialize', name },
  );
}

/**
 * Makes the n-th and later calls of `command` fail while `armed`; with `only`, counting (and failing)
 * only the calls whose input it matches.
 */
export function failFrom(
  client: unknown,
  command: string,
  n: number,
  only: (input: unknown) => boolean = () => true,
): { armed: boolean } {
  const state = { armed: true };
  let calls = 0;
  onCommand(client, `fail-${command}-${Math.random()}`, (commandName, input) => {
    if (commandName === command && state.armed && only(input) && ++calls >= n) {
      throw Object.assign(new Error(`injected failure of ${command}`), { name: 'InjectedFailure' });
    }
  });
  return state;
}
