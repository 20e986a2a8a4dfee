// The README's first operations, one tab each, pasted as they run (no shorthand).
window.REBOUND_EXAMPLES = [
  {
    query: `# Who am I, and what does a 550 mean? Set the Authorization header below, then run.
query StartHere {
  viewer { name settings { softBounceLimit minSendsForZone } }
  analyzeSmtpReply(text: "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown in virtual mailbox table") {
    reason bounceType hardBounce fault variant likelyCause firstAction
  }
}`,
  },
  {
    query: `# The dashboard: every campaign with its health (try it after \`npx rebound demo\`).
query Dashboard {
  campaigns(first: 20) {
    edges {
      node {
        name status zone
        stats { sent hardBounces softBounces hardBounceRate pauseRecommended }
        benchmarks { provider sent hardBounces rate zone }
        readiness { ready items { id passed evidence action } }
      }
    }
    pageInfo { endCursor hasNextPage }
  }
}`,
  },
  {
    query: `# Bounces as they are ingested (runs until you stop it). Ingest one from another tab.
subscription Bounces {
  bounceReceived {
    recipient reason bounceType fault variant firstAction
    campaign { name }
  }
}`,
  },
  {
    query: `# Alerts as they are raised: a provider crossing its threshold, a campaign to pause...
subscription Alerts {
  alertRaised(filter: { minSeverity: WARNING }) {
    kind severity message action
    campaign { name status }
  }
}`,
  },
  {
    query: `# A sending setup: run CreateDomain, copy its id into the variables, then CreateInbox.
mutation CreateDomain {
  createDomain(input: { name: "mail.acme.example", registeredAt: "2026-10-01T00:00:00Z" }) {
    domain { id name }
    userErrors { field message code }
  }
}

mutation CreateInbox($domainId: ID!) {
  createInbox(input: { domainId: $domainId, address: "ana@mail.acme.example" }) {
    inbox { id address }
    userErrors { field message code }
  }
}`,
    variables: `{ "domainId": "paste the domain id here" }`,
  },
];
