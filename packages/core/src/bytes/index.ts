/**
 * Byte plumbing shared by the envelope and storage (a leaf: it imports
 * neither): what counts as bytes (`ByteInput`), chunking, joining, web
 * streams, random access (`RangeSource`), and the error for input that is not
 * bytes.
 * @module
 */
export {
  type ByteInput,
  chunksOf,
  collect,
  concatParts,
  type RangeSource,
  rechunk,
  rechunkParts,
  toStream,
} from './bytes-source.js';
export { InvalidInputError } from './errors.js';
