import WebSocket from "ws";

// A minimal graphql-ws client for benchmarks: it speaks the protocol by hand and reads only
// the recipient out of each message (no JSON parse), so the load generator spends as little
// CPU as it can per delivery and the servers stay the bottleneck.

export interface LightSubscriber {
  socket: WebSocket;
  close(): void;
}

export function openSubscriber(
  url: string,
  authorization: string | null,
  query: string,
  onRecipient: (recipient: string, at: number) => void,
): Promise<LightSubscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, "graphql-transport-ws");
    socket.on("open", () =>
      socket.send(JSON.stringify({ type: "connection_init", payload: authorization ? { authorization } : {} })),
    );
    socket.on("message", (data: Buffer) => {
      const text = data.toString();
      if (text.includes('"connection_ack"')) {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query } }));
        // graphql-ws sends nothing on a successful subscribe; give it a moment.
        setTimeout(() => resolve({ socket, close: () => socket.close() }), 20);
        return;
      }
      const at = performance.now();
      const i = text.indexOf('"recipient":"');
      if (i >= 0) onRecipient(text.slice(i + 13, text.indexOf('"', i + 13)), at);
      else if (text.includes('"error"')) reject(new Error(text));
    });
    socket.on("error", reject);
    socket.on("close", (code) => {
      if (code !== 1000 && code !== 1005) reject(new Error(`closed ${code}`));
    });
  });
}
