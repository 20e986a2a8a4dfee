// Rebound's GraphQL explorer: GraphiQL, every asset served by this server, nothing loaded from
// anywhere else (the page's Content-Security-Policy says so too). Queries and mutations go
// over HTTP, subscriptions over graphql-ws on the same URL, both with the key from the header
// editor.
(function () {
  "use strict";
  var endpoint = location.origin + "/graphql";

  // A key may arrive in the URL fragment (#key=rbk_…): browsers never send the fragment to a
  // server, and it is taken out of the address bar and history at once.
  var fragment = new URLSearchParams(location.hash.slice(1));
  var key = fragment.get("key");
  if (key) history.replaceState(null, "", location.pathname + location.search);
  var headersText = JSON.stringify({ Authorization: "Bearer " + (key || "rbk_…") }, null, 2);

  function authorizationOf(headers) {
    for (var name in headers || {}) if (name.toLowerCase() === "authorization") return String(headers[name]);
    return "";
  }

  // One WebSocket per key: a new key in the header editor opens a new connection with it.
  var socket = null;
  var socketAuthorization = null;
  function subscriptionClient(authorization) {
    if (socket && socketAuthorization === authorization) return socket;
    if (socket) socket.dispose();
    socketAuthorization = authorization;
    socket = graphqlWs.createClient({
      url: endpoint.replace(/^http/, "ws"),
      connectionParams: { authorization: authorization },
      lazy: true,
      retryAttempts: 0,
    });
    return socket;
  }

  function isSubscription(params, opts) {
    var doc = opts && opts.documentAST;
    if (!doc) return /^\s*(#[^\n]*\n\s*)*subscription\b/.test(params.query);
    var operations = doc.definitions.filter(function (d) {
      return d.kind === "OperationDefinition";
    });
    var chosen =
      operations.find(function (d) {
        return d.name && d.name.value === params.operationName;
      }) || operations[0];
    return !!chosen && chosen.operation === "subscription";
  }

  function fetcher(params, opts) {
    var headers = (opts && opts.headers) || {};
    if (isSubscription(params, opts)) return subscriptionClient(authorizationOf(headers)).iterate(params);
    return fetch(endpoint, {
      method: "POST",
      headers: Object.assign({ "content-type": "application/json", accept: "application/json" }, headers),
      body: JSON.stringify(params),
    }).then(function (res) {
      return res.json();
    });
  }

  var tabs = (window.REBOUND_EXAMPLES || []).map(function (tab) {
    return { query: tab.query, variables: tab.variables, headers: headersText };
  });
  var props = {
    fetcher: fetcher,
    defaultTabs: tabs,
    defaultHeaders: headersText,
    defaultEditorToolsVisibility: "headers",
    shouldPersistHeaders: false,
  };
  // A key from the link replaces whatever the header editor held.
  if (key) props.headers = headersText;
  ReactDOM.createRoot(document.getElementById("explorer")).render(React.createElement(GraphiQL, props));
})();
