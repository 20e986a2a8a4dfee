import { describe, expect, it } from "vitest";
import { suppressesOwnMail } from "../../src/core/suppression-policy";

// A bounce may name the sender's own mailbox as its recipient (a misread notice, or the
// sender's own server refusing mail): suppressing it would silence the tenant's own mail.

const own = {
  inboxes: new Set(["ana@mail.acme.example"]),
  domains: ["mail.acme.example", "send.acme-outreach.example"],
};

describe("suppressesOwnMail", () => {
  it.each([
    ["ADDRESS", "ana@mail.acme.example", true, "an inbox of the tenant"],
    ["ADDRESS", "someone@mail.acme.example", true, "any address on a sending domain"],
    ["ADDRESS", "bob@eu.send.acme-outreach.example", true, "an address under a sending domain"],
    ["ADDRESS", "ana@acme.example", false, "the parent domain is not a sending domain"],
    ["ADDRESS", "ana@notmail.acme.example", false, "a name that merely ends with the same letters"],
    ["ADDRESS", "jane@gmail.com", false, "a recipient"],
    ["DOMAIN", "mail.acme.example", true, "the sending domain itself"],
    ["DOMAIN", "acme.example", true, "a domain that holds a sending domain"],
    ["DOMAIN", "eu.send.acme-outreach.example", true, "a domain under a sending domain"],
    ["DOMAIN", "gmail.com", false, "a recipient's domain"],
  ] as const)("%s %s -> %s (%s)", (scope, value, expected, _why) => {
    expect(suppressesOwnMail({ scope, value }, own)).toBe(expected);
  });

  it("protects nothing for a tenant with no domains or inboxes", () => {
    expect(
      suppressesOwnMail({ scope: "ADDRESS", value: "ana@mail.acme.example" }, { inboxes: new Set(), domains: [] }),
    ).toBe(false);
  });
});
