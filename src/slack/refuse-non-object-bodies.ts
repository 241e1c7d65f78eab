import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import { HTTPModuleFunctions } from "@slack/bolt";
import type { HTTPReceiver } from "@slack/bolt";

/**
 * Bolt's HTTPReceiver reads `body.ssl_check` right after parsing a request,
 * so a correctly signed request whose body (or form `payload`) is JSON but
 * not an object (`null`, `3`, `"x"`) throws inside it and is never answered:
 * the connection hangs until the client gives up. This wraps the receiver's
 * listener: such a request, once its signature is verified, is answered 400
 * at once. Every other request, a forged one included, goes to Bolt as
 * before; the body is read once, and Bolt reuses the buffer (`rawBody`).
 */
export function refuseNonObjectBodies(receiver: HTTPReceiver, endpoint: string, signingSecret: string): void {
  const bolt: RequestListener = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://localhost").pathname !== endpoint) {
      bolt(req, res);
      return;
    }
    const options = { enabled: true, signingSecret, bodyLimit: HTTPModuleFunctions.defaultBodyLimit };
    HTTPModuleFunctions.parseAndVerifyHTTPRequest(options, req).then(
      (buffered) => {
        if (isJsonButNotObject(buffered.rawBody.toString(), req.headers["content-type"])) HTTPModuleFunctions.buildNoBodyResponse(res, 400);
        else bolt(buffered, res);
      },
      (error: unknown) => {
        // A body too large to read: answered as Bolt answers it. A forged request: Bolt verifies
        // the buffered body again, answers 401 and logs why.
        if (HTTPModuleFunctions.isRawBodyError(error)) HTTPModuleFunctions.buildNoBodyResponse(res, error.statusCode === 413 ? 413 : 400);
        else bolt(req, res);
      },
    );
  };
}

/** True when the body parses as Bolt parses it, to something other than an object. Unparsable bodies are Bolt's to refuse. */
function isJsonButNotObject(text: string, contentType: string | undefined): boolean {
  let json = text;
  if (contentType === "application/x-www-form-urlencoded") {
    const { payload } = parseQuery(text);
    if (typeof payload !== "string") return false;
    json = payload;
  }
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    return false;
  }
  return typeof body !== "object" || body === null || Array.isArray(body);
}
