// Faithful extraction of the reply code and enhanced status code at the START of a
// receiving server's text ("smtp; 550 5.1.1 <x@y>: user unknown", "550-5.1.1 ...",
// "5.1.1 The email account..."). Only the start: a status-looking number deeper in free
// text (a version, an IP fragment) is not the server's status. Interpreting the text is
// the classifier's job.

/** "smtp; ", "X-Postfix; " and similar RFC 3464 diagnostic-type prefixes. */
const DIAGNOSTIC_TYPE = /^\s*[A-Za-z][A-Za-z0-9-]*\s*;\s*/;
const REPLY_CODE = /^([2-5]\d\d)(?=[\s-]|$)/;
const ENHANCED_STATUS = /^[#]?([245]\.\d{1,3}\.\d{1,3})(?![\d.])/;

function body(text: string): string {
  return text.replace(DIAGNOSTIC_TYPE, "").trimStart();
}

export function replyCodeFromText(text: string | null): number | null {
  if (!text) return null;
  const m = REPLY_CODE.exec(body(text));
  return m ? Number(m[1]) : null;
}

export function enhancedStatusFromText(text: string | null): string | null {
  if (!text) return null;
  let rest = body(text);
  const code = REPLY_CODE.exec(rest);
  if (code) rest = rest.slice(code[0].length).replace(/^[\s-]+/, "");
  const m = ENHANCED_STATUS.exec(rest);
  return m ? m[1] : null;
}

/** A vendor's explicit status field when it looks like one (SendGrid sends "5.0.0", SES "5.1.1"). */
export function cleanStatus(value: string | null): string | null {
  if (!value) return null;
  const m = /^\s*([245]\.\d{1,3}\.\d{1,3})\s*$/.exec(value);
  return m ? m[1] : null;
}
