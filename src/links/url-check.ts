import { canonicalHost, type DomainSet } from "./domain-set.js";

/** Stable reason codes of the link checks (Art. 5(9)). */
export type LinkCode =
  | "link.unparseable"
  | "link.scheme"
  | "link.shortener"
  | "link.bad_domain"
  | "link.unapproved_domain";

/** What a link was judged to be. Messages carry the host, never the path. */
export type LinkVerdict =
  | { readonly ok: true; readonly host: string }
  | {
      readonly ok: false;
      readonly code: LinkCode;
      readonly message: string;
      /** The host the link leads to, when it could be read. */
      readonly host?: string;
    };

/** The domain lists a link is checked against. */
export interface LinkLists {
  readonly shorteners: DomainSet;
  readonly badDomains: DomainSet;
  /** When present, a host must lie under one of these domains. */
  readonly approved?: DomainSet | undefined;
}

type Refusal = Extract<LinkVerdict, { ok: false }>;

function refuse(code: LinkCode, message: string, host?: string): Refusal {
  const refusal = { ok: false as const, code, message };
  return host === undefined ? refusal : { ...refusal, host };
}

/** `scheme:` at the start, as in RFC 3986. */
const HAS_SCHEME = /^[a-z][a-z\d+.-]*:/iu;

/**
 * A link without a scheme (`t.cn/abc`, `//bit.ly/x`) is read as http: that is
 * how a user's browser or chat app opens it, so that is where it leads.
 */
function withScheme(raw: string): string {
  if (HAS_SCHEME.test(raw)) return raw;
  return raw.startsWith("//") ? `http:${raw}` : `http://${raw}`;
}

/**
 * Parses a link with the WHATWG URL parser, the one browsers use, so that
 * pushguard reads the host a user would reach: userinfo is not the host
 * (`http://t.cn@evil.com` goes to evil.com), `\` counts as `/`, ports and
 * case are dropped, IDN hosts become punycode and trailing dots go.
 */
export function parseLinkHost(raw: string): LinkVerdict {
  const text = raw.trim();
  if (text === "") return refuse("link.unparseable", "link is empty");
  let url: URL;
  try {
    url = new URL(withScheme(text));
  } catch {
    return refuse("link.unparseable", "link is not a url");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return refuse(
      "link.scheme",
      `link scheme ${url.protocol} is not http or https`,
    );
  }
  const host = canonicalHost(url.hostname);
  if (host === undefined) return refuse("link.unparseable", "link has no host");
  return { ok: true, host };
}

/** True when the policy has an approved list and the host is not under it. */
function isUnapproved(host: string, approved?: DomainSet): boolean {
  return approved !== undefined && approved.match(host) === undefined;
}

/**
 * Checks one link or QR target against the shortener, bad-domain and
 * approved lists, in that order. A shortener is refused even when the
 * policy approves its domain: what it leads to cannot be checked.
 */
export function checkLink(raw: string, lists: LinkLists): LinkVerdict {
  const parsed = parseLinkHost(raw);
  if (!parsed.ok) return parsed;
  const { host } = parsed;
  const shortener = lists.shorteners.match(host);
  if (shortener !== undefined) {
    const message = `link host ${host} is a url shortener (${shortener})`;
    return refuse("link.shortener", message, host);
  }
  const bad = lists.badDomains.match(host);
  if (bad !== undefined) {
    const message = `link host ${host} is on the bad domain list (${bad})`;
    return refuse("link.bad_domain", message, host);
  }
  if (isUnapproved(host, lists.approved)) {
    const message = `link host ${host} is not on the approved domain list`;
    return refuse("link.unapproved_domain", message, host);
  }
  return parsed;
}
