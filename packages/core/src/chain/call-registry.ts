import {
  ContractFunctionRevertedError,
  HttpRequestError,
  TimeoutError,
  BaseError as ViemError,
} from 'viem';
import { RegistryRevertError, RpcUnreachableError } from './errors.js';

/** Runs a chain call, turning viem's errors into MedVault's typed ones. */
export async function callRegistry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ViemError) {
      const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
      if (revert instanceof ContractFunctionRevertedError) {
        throw new RegistryRevertError(
          revert.data?.errorName ?? 'unknown',
          revert.data?.args ?? [],
          error,
        );
      }
      if (error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError)) {
        throw new RpcUnreachableError(error);
      }
    }
    throw error;
  }
}
