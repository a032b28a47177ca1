/**
 * The chain's code (viem, the registry, the CLI's chain client), loaded only
 * by the commands that reach a chain: the others start without it, about
 * 0.8 s sooner.
 *
 * @example
 * ```ts
 * const { chainClient, registryAddress, verifyLedgerAgainstChain } = await chainModules();
 * ```
 */
export async function chainModules() {
  const [chain, client] = await Promise.all([
    import('@medvault/core/chain'),
    import('./chain-client.js'),
  ]);
  return { ...chain, ...client };
}
