/**
 * Where the page finds its relay and which profile it opens. A static build
 * reads `config.json` beside index.html (written by whoever serves it);
 * `?relay=<multiaddr>` and `?profile=<name>` in the URL override it.
 */
export interface WebConfig {
  /** The relay's WebSockets multiaddr with `/p2p/<id>` (what `pipes relay` prints). */
  relay: string | undefined
  /** The network id the relay serves (`pipes relay --network`, default `pipes`). */
  network: string
  /** The IndexedDB profile this tab opens: one user per profile. */
  profile: string
}

const PROFILE = /^[A-Za-z0-9._-]{1,64}$/

/** Reads config.json (optional) and the URL parameters. */
export async function loadConfig (location: Location = window.location): Promise<WebConfig> {
  let file: Partial<WebConfig> = {}
  try {
    const res = await fetch(new URL('config.json', location.href), { cache: 'no-store' })
    if (res.ok) file = await res.json() as Partial<WebConfig>
  } catch {
    // offline or no config.json: the URL and the saved network config still work
  }
  const params = new URLSearchParams(location.search)
  const profile = params.get('profile') ?? file.profile ?? 'default'
  return {
    relay: params.get('relay') ?? file.relay ?? undefined,
    network: params.get('network') ?? file.network ?? 'pipes',
    profile: PROFILE.test(profile) ? profile : 'default'
  }
}
