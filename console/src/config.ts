/**
 * Where the API is. Deployed, the console sits on its CloudFront origin and `config.json` next to
 * index.html names the API (written by the CDK deployment); under `npm start` the gateway serves
 * the console and the API on one origin and there is no config.json, so '' (same origin) it is.
 */
export interface ConsoleConfig {
  apiUrl: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
    if (!response.ok) return { apiUrl: '' };
    const body = (await response.json()) as { apiUrl?: unknown };
    if (typeof body.apiUrl !== 'string' || !/^https?:\/\/[^/]+/.test(body.apiUrl)) return { apiUrl: '' };
    return { apiUrl: body.apiUrl.replace(/\/+$/, '') };
  } catch {
    return { apiUrl: '' };
  }
}
