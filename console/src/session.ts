/**
 * The signed-in key, in this tab's sessionStorage only: it is gone when the tab closes, it is
 * never written to localStorage, a cookie or the URL, and signing out forgets it at once.
 */
const KEY = 'voec-border.console.key';
/** Where earlier consoles kept the manifests opened in a session (the board lists them now); cleared on sign-out. */
const RECENT = 'voec-border.console.recent-manifests';

export function storedKey(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(RECENT);
}
