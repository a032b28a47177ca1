/**
 * Browser side: finds the MedVault wallet the way the extension announces
 * it (EIP-6963 style), however the page's script and the injection race.
 */

/** The EIP-1193-shaped provider the extension injects. */
export type MedVaultProvider = {
  isMedVault: true;
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
};

/** An EIP-1193 error as the wallet rejects with it. */
export type ProviderError = { code: number; message: string };

/** Resolves with the wallet, or undefined when none announces itself within `timeoutMs`. */
export function findWallet(timeoutMs = 800): Promise<MedVaultProvider | undefined> {
  return new Promise((resolve) => {
    const onAnnounce = (event: Event) => {
      const detail = (event as CustomEvent<{ provider?: MedVaultProvider }>).detail;
      if (!detail?.provider?.isMedVault) return;
      window.removeEventListener('medvault:announceProvider', onAnnounce);
      clearTimeout(timer);
      resolve(detail.provider);
    };
    const timer = setTimeout(() => {
      window.removeEventListener('medvault:announceProvider', onAnnounce);
      resolve(undefined);
    }, timeoutMs);
    window.addEventListener('medvault:announceProvider', onAnnounce);
    window.dispatchEvent(new Event('medvault:requestProvider'));
  });
}
