/**
 * Loads the uWebSockets.js native addon, or explains why it could not. The OMS then
 * falls back to node:http for the HTTP routes (native-free-notes/ says what that costs).
 * OMS_FORCE_NODE_HTTP=1 takes the fallback on purpose (tests, platforms you distrust).
 */
export type Uws = typeof import('uWebSockets.js');

export type UwsLoad = { readonly ok: true; readonly uws: Uws } | { readonly ok: false; readonly reason: string };

export async function loadUws(env: NodeJS.ProcessEnv = process.env): Promise<UwsLoad> {
  if (env.OMS_FORCE_NODE_HTTP === '1') return { ok: false, reason: 'OMS_FORCE_NODE_HTTP=1' };
  try {
    const uws = (await import('uWebSockets.js')) as Uws;
    if (typeof uws.App !== 'function') return { ok: false, reason: 'uWebSockets.js loaded without an App export' };
    return { ok: true, uws };
  } catch (error) {
    return { ok: false, reason: (error as Error).message.split('\n')[0] };
  }
}
