import { describe, expect, it } from "vitest";
import { canonicalHost, DomainSet } from "../../src/links/domain-set.js";

describe("canonicalHost", () => {
  it.each([
    ["BIT.LY", "bit.ly"],
    ["bit.ly...", "bit.ly"],
    [" t.cn ", "t.cn"],
    ["例子.中国", "xn--fsqu00a.xn--fiqs8s"],
    ["xn--xkRp7r.com", "xn--xkrp7r.com"],
  ])("reads %j as %j", (host, expected) => {
    expect(canonicalHost(host)).toBe(expected);
  });

  it.each(["", "...", "a b.com"])("rejects %j", (host) => {
    expect(canonicalHost(host)).toBeUndefined();
  });
});

describe("DomainSet", () => {
  const set = DomainSet.fromText(
    "# shorteners\n\nbit.ly\nT.CN \nxn--xkRp7r.com\nnot a domain\n" +
      "http://www.game163.in\nqqhaoma2.cn:81\nhttp://[bad\n",
  );

  it("keeps the valid entries and lists the rejected ones", () => {
    expect(set.size).toBe(5);
    expect(set.rejected).toEqual(["not a domain", "http://[bad"]);
  });

  it.each([
    ["bit.ly", "bit.ly"],
    ["a.b.bit.ly", "bit.ly"],
    ["t.cn", "t.cn"],
    ["xn--xkrp7r.com", "xn--xkrp7r.com"],
    ["www.game163.in", "www.game163.in"],
    ["qqhaoma2.cn", "qqhaoma2.cn"],
    ["abit.ly", undefined],
    ["bit.ly.example.com", undefined],
    ["ly", undefined],
    ["cn", undefined],
  ])("matches %s to %s", (host, expected) => {
    expect(set.match(host)).toBe(expected);
  });

  it("returns the most specific listed domain", () => {
    const nested = new DomainSet(["people.com.cn", "paper.people.com.cn"]);
    expect(nested.match("x.paper.people.com.cn")).toBe("paper.people.com.cn");
  });
});
