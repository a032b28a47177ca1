import {
  type Address,
  ContractFunctionRevertedError,
  HttpRequestError,
  TimeoutError,
  BaseError as ViemError,
} from 'viem';
import {
  KeyRetiredError,
  RegistryRevertError,
  RpcUnreachableError,
  SignatureExpiredError,
} from './errors.js';

/** Runs a chain call, turning viem's errors into MedVault's typed ones. */
export async function callRegistry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ViemError) {
      const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
      if (revert instanceof ContractFunctionRevertedError) {
        const name = revert.data?.errorName ?? 'unknown';
        const args = revert.data?.args ?? [];
        if (name === 'SignatureExpired') throw new SignatureExpiredError(args[0] as bigint, error);
        if (name === 'KeyRetired')
          throw new KeyRetiredError(args[0] as Address, args[1] as Address, error);
        throw new RegistryRevertError(name, args, error);
      }
      if (error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError)) {
        throw new RpcUnreachableError(error);
      }
    }
    throw error;
  }
}
