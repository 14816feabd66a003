import { z } from "zod";
import { readDataFile } from "../../labels/data-file.js";
import { DomainSet } from "../../links/domain-set.js";
import { checkLink, type LinkLists } from "../../links/url-check.js";
import { itemRule, reasonOf, type ItemCheck } from "../../pipeline/rule.js";
import { defineRuleType, type RuleIdentity } from "../registry.js";

/**
 * Art. 5(9): no links or QR codes that divert traffic. Every link and the
 * QR target are parsed as a browser would (`links/url-check.ts`) and
 * refused when they lead to a URL shortener (where they lead cannot be
 * checked), a known bad domain, or, when the policy lists approved
 * domains, anywhere else. Links give `link.*` codes, the QR target the
 * same checks as `qr.*`; the message names the field. Blank entries show
 * nothing and are skipped.
 */
export const linkCheck = defineRuleType({
  type: "link-check",
  summary: "drops items linking to shorteners, bad or unapproved domains",
  params: z.strictObject({
    /** Domain lists, one a line, relative to the policy file. */
    shorteners: z.string().min(1).default("data/links/url-shorteners.txt"),
    badDomains: z.string().min(1).default("data/links/illegal-domains.txt"),
    /** When given, links must lie under one of these domains. */
    approved: z.array(z.string().min(1)).min(1).max(100_000).optional(),
  }),
  create(identity, params, ctx) {
    const read = (file: string) =>
      DomainSet.fromText(readDataFile(ctx.policyDir, file));
    const approved =
      params.approved === undefined
        ? undefined
        : new DomainSet(params.approved);
    if (approved !== undefined && approved.rejected.length > 0) {
      throw new Error(
        `approved: not a domain: ${approved.rejected.join(", ")}`,
      );
    }
    const lists: LinkLists = {
      shorteners: read(params.shorteners),
      badDomains: read(params.badDomains),
      approved,
    };
    return itemRule(identity.id, identity.article, linksCheck(identity, lists));
  },
});

function linksCheck(identity: RuleIdentity, lists: LinkLists): ItemCheck {
  return ({ candidate }) => {
    for (const [index, link] of candidate.links.entries()) {
      if (link.trim() === "") continue;
      const verdict = checkLink(link, lists);
      if (!verdict.ok) {
        const message = `links[${index}]: ${verdict.message}`;
        return reasonOf(identity, verdict.code, message);
      }
    }
    if (candidate.qrTarget.trim() === "") return undefined;
    const verdict = checkLink(candidate.qrTarget, lists);
    if (verdict.ok) return undefined;
    const code = verdict.code.replace(/^link\./u, "qr.");
    return reasonOf(identity, code, `qrTarget: ${verdict.message}`);
  };
}
