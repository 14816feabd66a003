import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DomainSet } from "../../src/links/domain-set.js";
import {
  checkLink,
  parseLinkHost,
  type LinkLists,
} from "../../src/links/url-check.js";
import { repoRoot } from "../text/shared-data.js";

function shippedList(file: string): DomainSet {
  const text = readFileSync(
    path.join(repoRoot, "policies/data/links", file),
    "utf8",
  );
  return DomainSet.fromText(text);
}

const lists: LinkLists = {
  shorteners: shippedList("url-shorteners.txt"),
  badDomains: shippedList("illegal-domains.txt"),
};
const approved = new DomainSet(["people.com.cn", "news.cn", "例子.中国"]);
const withApproved: LinkLists = { ...lists, approved };

describe("the shipped link lists", () => {
  it("load every entry as a domain", () => {
    expect(lists.shorteners.size).toBe(1479);
    expect(lists.badDomains.size).toBe(14591);
    expect([
      ...lists.shorteners.rejected,
      ...lists.badDomains.rejected,
    ]).toEqual([]);
  });
});

describe("checkLink against the shipped lists", () => {
  it.each([
    ["a shortener", "https://bit.ly/3xYz", "bit.ly", "bit.ly"],
    ["a Chinese shortener", "http://t.cn/A6abcd", "t.cn", "t.cn"],
    ["a shortener subdomain", "https://sub.bit.ly/x", "sub.bit.ly", "bit.ly"],
    ["upper case and a trailing dot", "HTTP://BIT.LY./x", "bit.ly", "bit.ly"],
    ["userinfo and a port", "http://user@bit.ly:8080", "bit.ly", "bit.ly"],
    ["full-width letters and dot", "http://ｂｉｔ。ｌｙ/x", "bit.ly", "bit.ly"],
    ["no scheme", "url.cn/abc", "url.cn", "url.cn"],
    ["a protocol-relative link", "//goo.gl/x", "goo.gl", "goo.gl"],
  ])("refuses %s", (_case, link, host, listed) => {
    expect(checkLink(link, lists)).toEqual({
      ok: false,
      code: "link.shortener",
      message: `link host ${host} is a url shortener (${listed})`,
      host,
    });
  });

  it.each([
    [
      "a listed domain",
      "http://qq.com.aaadmin5.com/login",
      "qq.com.aaadmin5.com",
      "qq.com.aaadmin5.com",
    ],
    [
      "a subdomain of a listed one",
      "https://pay.qq.com.aaadmin5.com/",
      "pay.qq.com.aaadmin5.com",
      "qq.com.aaadmin5.com",
    ],
    [
      "an entry listed in upper case",
      "http://cuiqing.net.cn/",
      "cuiqing.net.cn",
      "cuiqing.net.cn",
    ],
    [
      "an entry listed with a trailing space",
      "http://900788.com/",
      "900788.com",
      "900788.com",
    ],
    [
      "an IDN host listed in punycode",
      "http://小华.com/x",
      "xn--xkrp7r.com",
      "xn--xkrp7r.com",
    ],
  ])("refuses %s as a bad domain", (_case, link, host, listed) => {
    expect(checkLink(link, lists)).toEqual({
      ok: false,
      code: "link.bad_domain",
      message: `link host ${host} is on the bad domain list (${listed})`,
      host,
    });
  });

  it.each([
    [
      "a news site",
      "http://www.people.com.cn/n1/2018/0512/c1001.html",
      "www.people.com.cn",
    ],
    [
      "a lookalike that ends in a shortener name",
      "https://abit.ly/x",
      "abit.ly",
    ],
    [
      "a shortener name as a subdomain",
      "https://bit.ly.example.com/x",
      "bit.ly.example.com",
    ],
    ["a shortener in the userinfo", "http://t.cn@example.org/x", "example.org"],
    [
      "a shortener after a backslash",
      "http://example.org\\@bit.ly/",
      "example.org",
    ],
    ["an IP address", "http://127.0.0.1:8080/", "127.0.0.1"],
  ])("admits %s", (_case, link, host) => {
    expect(checkLink(link, lists)).toEqual({ ok: true, host });
  });
});

describe("checkLink with an approved list", () => {
  it.each([
    ["an approved domain", "https://www.news.cn/politics/x.htm", "www.news.cn"],
    ["an approved IDN domain", "http://例子.中国/a", "xn--fsqu00a.xn--fiqs8s"],
    [
      "an approved IDN in punycode",
      "http://XN--FSQU00A.xn--fiqs8s./",
      "xn--fsqu00a.xn--fiqs8s",
    ],
  ])("admits %s", (_case, link, host) => {
    expect(checkLink(link, withApproved)).toEqual({ ok: true, host });
  });

  it.each([
    [
      "an approved name as a subdomain",
      "http://news.cn.example.com/",
      "news.cn.example.com",
    ],
    [
      "a userinfo trick",
      "http://www.people.com.cn@example.com/",
      "example.com",
    ],
    ["an IP address", "http://127.0.0.1/", "127.0.0.1"],
  ])("refuses %s", (_case, link, host) => {
    expect(checkLink(link, withApproved)).toEqual({
      ok: false,
      code: "link.unapproved_domain",
      message: `link host ${host} is not on the approved domain list`,
      host,
    });
  });

  it("refuses a shortener even when the policy approves it", () => {
    const approving = { ...lists, approved: new DomainSet(["bit.ly"]) };
    const verdict = checkLink("https://bit.ly/x", approving);
    expect(verdict.ok === false && verdict.code).toBe("link.shortener");
  });
});

describe("parseLinkHost", () => {
  it.each([
    ["javascript:alert(1)", "javascript:"],
    ["data:text/html,<b>hi</b>", "data:"],
    ["ftp://bit.ly/file", "ftp:"],
    ["JavaScript:void(0)", "javascript:"],
    ["snssdk1128://aweme/detail/1", "snssdk1128:"],
  ])("refuses the scheme of %s", (link, scheme) => {
    expect(parseLinkHost(link)).toEqual({
      ok: false,
      code: "link.scheme",
      message: `link scheme ${scheme} is not http or https`,
    });
  });

  it.each([
    ["", "link is empty"],
    ["   ", "link is empty"],
    ["http://exa mple.com/", "link is not a url"],
    ["http://", "link is not a url"],
    ["https://[::1/", "link is not a url"],
    ["http://./", "link has no host"],
  ])("refuses %j as unparseable", (link, message) => {
    expect(parseLinkHost(link)).toEqual({
      ok: false,
      code: "link.unparseable",
      message,
    });
  });
});
