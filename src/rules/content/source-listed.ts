import { z } from "zod";
import { CandidateKind } from "../../gen/pushguard/v1/pushguard_pb.js";
import { readDataFile } from "../../labels/data-file.js";
import { DomainSet } from "../../links/domain-set.js";
import { parseLinkHost } from "../../links/url-check.js";
import { itemRule, reasonOf, type ItemCheck } from "../../pipeline/rule.js";
import {
  CacSourceList,
  sourceNameKey,
  type CacSource,
} from "../../sources/cac.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";

/**
 * Art. 5(3): news is reprinted only from sources on the CAC list of
 * Internet news information sources. The source name must be listed (after
 * normalisation, aliases included; see `sources/cac.ts`). The domain of
 * `source.url` only ever supports a name, because the list's URLs are
 * sparse and some are wrong: where the policy knows a source's sites
 * (`domains`, or the list's own URL with `useListDomains`), a link to
 * another host is a `source.domain_mismatch` (a name borrowed for a page
 * elsewhere); a listed host never makes up for an unlisted name, but the
 * message names it, to help whoever fixes the ranker's source names.
 */
export const cacSource = defineRuleType({
  type: "cac-source",
  summary: "drops news whose source is not on the CAC news source list",
  params: z.strictObject({
    /** The shipped list, relative to the policy file. */
    list: z.string().min(1).default("data/cac-news-sources.tsv"),
    /** Listed source name to the domains of its sites. */
    domains: z
      .record(z.string().min(1), z.array(z.string().min(1)).min(1).max(50))
      .refine((domains) => Object.keys(domains).length <= 10_000, {
        message: "at most 10000 sources",
      })
      .default({}),
    /** Also hold sources to the list's own URL (off: some are wrong). */
    useListDomains: z.boolean().default(false),
  }),
  create(identity, params, ctx) {
    const list = CacSourceList.fromTsv(
      readDataFile(ctx.policyDir, params.list),
      params.list,
    );
    const sites = knownSites(list, params.domains, params.useListDomains);
    return itemRule(
      identity.id,
      identity.article,
      cacCheck(identity, list, sites),
    );
  },
});

/** Sites by source (its first listed row), as the policy knows them. */
type Sites = ReadonlyMap<CacSource, DomainSet>;

function knownSites(
  list: CacSourceList,
  domains: Readonly<Record<string, readonly string[]>>,
  useListDomains: boolean,
): Sites {
  const sites = new Map<CacSource, string[]>();
  if (useListDomains) {
    for (const source of list.sources) {
      if (source.domain !== undefined) sites.set(source, [source.domain]);
    }
  }
  for (const [name, hosts] of Object.entries(domains)) {
    const source = list.matchName(name);
    if (source === undefined) {
      throw new Error(`domains: ${name} is not on the cac news source list`);
    }
    const rejected = new DomainSet(hosts).rejected;
    if (rejected.length > 0) {
      throw new Error(`domains: ${name}: not a domain: ${rejected.join(", ")}`);
    }
    sites.set(source, [...(sites.get(source) ?? []), ...hosts]);
  }
  return new Map([...sites].map(([s, hosts]) => [s, new DomainSet(hosts)]));
}

function cacCheck(
  identity: RuleIdentity,
  list: CacSourceList,
  sites: Sites,
): ItemCheck {
  return ({ candidate }) => {
    if (candidate.kind !== CandidateKind.NEWS) return undefined;
    const name = candidate.source?.name.trim() ?? "";
    const host = hostOf(candidate.source?.url ?? "");
    const source = list.matchName(name);
    if (source === undefined) {
      return reasonOf(
        identity,
        "source.not_listed",
        notListedMessage(name, host, list),
      );
    }
    const known = sites.get(source);
    const url = candidate.source?.url.trim() ?? "";
    if (known === undefined || url === "") return undefined;
    if (host !== undefined && known.match(host) !== undefined) return undefined;
    const where = host ?? "a source.url that is not a url";
    return reasonOf(
      identity,
      "source.domain_mismatch",
      `news source ${name} links to ${where}, which is not one of its sites`,
    );
  };
}

/** The host a source url leads to, when it is a readable http(s) url. */
function hostOf(url: string): string | undefined {
  if (url.trim() === "") return undefined;
  const parsed = parseLinkHost(url);
  return parsed.ok ? parsed.host : undefined;
}

function notListedMessage(
  name: string,
  host: string | undefined,
  list: CacSourceList,
): string {
  if (sourceNameKey(name) === "") return "news names no source to check";
  const message = `news source ${name} is not on the cac news source list`;
  const site = host === undefined ? undefined : list.matchDomain(host);
  if (site === undefined) return message;
  return `${message} (its url host ${host} is a site of ${site.name})`;
}
