/**
 * The portal's patient sign-ins: one account per chart, its password kept
 * only as a salted scrypt hash (the clinic's `StaffAccount`). Every check
 * costs one scrypt, for a known username or not, so timing does not say
 * which usernames exist.
 * @module
 */
import { randomPassword, StaffAccount } from '../clinic/staff-account.js';
import type { PatientChart } from './patient-charts.js';

/**
 * A test account of the portal: who signs in, with what, to which chart.
 * These are demo credentials of synthetic patients, printed by `npm start`.
 *
 * @example
 * ```ts
 * const [helen] = portal.accounts; // { username: 'helen', password: 'medvault-patient', patientId: 'pat-f49b6f7726', name: 'Helen Alvarez' }
 * ```
 */
export type PatientAccount = {
  username: string;
  password: string;
  patientId: string;
  name: string;
};

/**
 * The accounts, by username and by patient id.
 *
 * @example
 * ```ts
 * const accounts = await PatientAccounts.create(charts, 'medvault-patient');
 * (await accounts.check('helen', 'medvault-patient'))?.patientId; // 'pat-f49b6f7726'
 * ```
 */
export class PatientAccounts {
  readonly list: readonly PatientAccount[];
  readonly #hashes: Map<string, StaffAccount>;
  readonly #decoy: StaffAccount;

  private constructor(
    list: PatientAccount[],
    hashes: Map<string, StaffAccount>,
    decoy: StaffAccount,
  ) {
    this.list = list;
    this.#hashes = hashes;
    this.#decoy = decoy;
  }

  /** One account per chart, all with `password` (at least 12 characters). */
  static async create(charts: readonly PatientChart[], password: string): Promise<PatientAccounts> {
    const list = charts.map(({ username, patientId, name }) => ({
      username,
      password,
      patientId,
      name,
    }));
    const [decoy, ...hashed] = await Promise.all([
      StaffAccount.create({ username: '\u0000', password: randomPassword() }),
      ...list.map((a) => StaffAccount.create({ username: a.username, password })),
    ]);
    const hashes = new Map(list.map((a, i) => [a.username, hashed[i] as StaffAccount]));
    return new PatientAccounts(list, hashes, decoy as StaffAccount);
  }

  /** The account signing in with these, or undefined (after one scrypt either way). */
  async check(username: string, password: string): Promise<PatientAccount | undefined> {
    const name = username.normalize('NFC').toLowerCase();
    const hash = this.#hashes.get(name);
    const ok = await (hash ?? this.#decoy).check(name, password);
    return ok && hash ? this.byUsername(name) : undefined;
  }

  /** The account `username`, or undefined. */
  byUsername(username: string): PatientAccount | undefined {
    return this.list.find((a) => a.username === username);
  }

  /** The account of chart `patientId`, or undefined. */
  byPatientId(patientId: string): PatientAccount | undefined {
    return this.list.find((a) => a.patientId === patientId);
  }
}
