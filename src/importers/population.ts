import { create } from "@bufbuild/protobuf";
import {
  AgeBand,
  UserSchema,
  UserTier,
  type User,
} from "../gen/pushguard/v1/pushguard_pb.js";
import type { SeededRandom } from "./random.js";

/**
 * Shape of a synthetic user population. Public headline data carries no
 * users, so replays need made-up ones; the shares are exact quotas (rounded
 * to whole users), not coin flips, so a replay always has the minors,
 * members and opt-outs the rules under test need.
 */
export interface PopulationOptions {
  /** Prefix of the opaque ids: `tt-user` gives `tt-user-0001`. */
  readonly idPrefix: string;
  /** How many users. */
  readonly users: number;
  /** Share of users under 18 (Art. 5(7) protections). */
  readonly minorShare: number;
  /** Share of paying members (Art. 5(6) equal treatment). */
  readonly memberShare: number;
  /** Share of users who turned pushes off (Art. 5(6) opt-out). */
  readonly optedOutShare: number;
  /** IANA time zone of most users. */
  readonly timeZone: string;
  /** Time zones of the rest, drawn uniformly. */
  readonly otherTimeZones: readonly string[];
  /** Share of users in one of `otherTimeZones`. */
  readonly otherTimeZoneShare: number;
}

/** Builds the users; the same options and draws give the same users. */
export function syntheticUsers(
  options: PopulationOptions,
  random: SeededRandom,
): User[] {
  const minors = quota(options.minorShare, options, random);
  const members = quota(options.memberShare, options, random);
  const optedOut = quota(options.optedOutShare, options, random);
  const abroad = quota(options.otherTimeZoneShare, options, random);
  return Array.from({ length: options.users }, (_, index) =>
    create(UserSchema, {
      id: userId(options, index),
      ageBand: minors.has(index) ? AgeBand.MINOR : AgeBand.ADULT,
      tier: members.has(index) ? UserTier.MEMBER : UserTier.ORDINARY,
      timeZone: abroad.has(index)
        ? random.pick(options.otherTimeZones)
        : options.timeZone,
      optedOut: optedOut.has(index),
    }),
  );
}

/** Opaque id of the user at `index`, zero-padded to at least 4 digits. */
export function userId(options: PopulationOptions, index: number): string {
  const width = Math.max(4, String(options.users).length);
  return `${options.idPrefix}-${String(index + 1).padStart(width, "0")}`;
}

function quota(
  share: number,
  options: PopulationOptions,
  random: SeededRandom,
): Set<number> {
  const count = Math.round(share * options.users);
  const indices = Array.from({ length: options.users }, (_, i) => i);
  return new Set(random.shuffled(indices).slice(0, count));
}
