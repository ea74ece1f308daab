/**
 * The clients of src/org (Organizations, and STS for AssumeRole) are not in the run's client
 * pool, whose guard lets only reads through: AssumeRole is not named like a read. They get their
 * own guard instead, holding each to the commands ORG_COMMANDS declares for it, and count
 * their HTTP requests (retries included).
 */
export function guardCommands(client: { middlewareStack: object }, allowed: ReadonlySet<string>, onRequest: () => void): void {
  const stack = client.middlewareStack as unknown as {
    add(middleware: unknown, options: { step: string; name: string; priority?: string }): void;
  };
  type Next = (args: unknown) => Promise<unknown>;
  stack.add(
    (next: Next, context: { commandName?: string }) => async (args: unknown) => {
      const command = context.commandName ?? 'UnknownCommand';
      if (!allowed.has(command)) throw new Error(`refusing to send ${command}: --org sends only ${[...allowed].join(', ')}`);
      return next(args);
    },
    { step: 'initialize', name: 'awsauditOrgGuard', priority: 'high' },
  );
  stack.add(
    (next: Next) => async (args: unknown) => {
      onRequest();
      return next(args);
    },
    { step: 'deserialize', name: 'awsauditOrgRequestCount', priority: 'high' },
  );
}
