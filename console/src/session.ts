/**
 * The signed-in key, in this tab's sessionStorage only: it is gone when the tab closes, it is
 * never written to localStorage, a cookie or the URL, and signing out forgets it at once.
 * The manifests opened in this session are remembered next to it, for the board (see board.tsx).
 */
const KEY = 'voec-border.console.key';
const RECENT = 'voec-border.console.recent-manifests';
const MAX_RECENT = 50;

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

export function recentManifests(): string[] {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(RECENT) ?? '[]');
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberManifest(manifestId: string): void {
  const ids = [manifestId, ...recentManifests().filter((id) => id !== manifestId)].slice(0, MAX_RECENT);
  sessionStorage.setItem(RECENT, JSON.stringify(ids));
}

export function forgetManifest(manifestId: string): void {
  sessionStorage.setItem(RECENT, JSON.stringify(recentManifests().filter((id) => id !== manifestId)));
}
