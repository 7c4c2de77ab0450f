// Every App Secret and token the integration suites use or observe is recorded here; the suite
// index writes the list into the results file and the runner on the outside (runTest.ts) checks
// that none of them appears in any file under the run's user-data and log folders.
const secrets = new Set<string>();

/** Records a secret value (App Secret, tenant token, pasted token, …) for the leak check. */
export function recordSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length > 0) secrets.add(value);
}

export function recordedSecrets(): string[] {
  return [...secrets];
}
