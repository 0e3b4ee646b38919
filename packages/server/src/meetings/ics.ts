/**
 * iCalendar (RFC 5545) invitation for one meeting.
 * https://www.rfc-editor.org/rfc/rfc5545
 */

export interface IcsEvent {
  uid: string;
  /** When the invitation was generated. */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  url: string;
  description: string;
}

const CRLF = '\r\n';

/**
 * TEXT values escape backslash, semicolon, comma and newlines; other control characters are not
 * allowed in TEXT and are dropped.
 * https://www.rfc-editor.org/rfc/rfc5545#section-3.3.11
 */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
}

/**
 * DATE-TIME in UTC ("form #2"): 19980119T070000Z.
 * https://www.rfc-editor.org/rfc/rfc5545#section-3.3.5
 */
export function formatUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}/, '').replace(/[-:]/g, '');
}

/**
 * Content lines longer than 75 octets are folded: CRLF followed by one space, never splitting a
 * UTF-8 sequence. The leading space counts toward the continuation line's 75 octets.
 * https://www.rfc-editor.org/rfc/rfc5545#section-3.1
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = 74;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

/**
 * One VCALENDAR with one VEVENT, METHOD:PUBLISH (an announcement, not a scheduling request).
 * https://www.rfc-editor.org/rfc/rfc5545#section-3.4 and #section-3.6.1
 */
export function formatIcs(event: IcsEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Convene//Convene Meetings//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${formatUtc(event.stamp)}`,
    `DTSTART:${formatUtc(event.start)}`,
    `DTEND:${formatUtc(event.end)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    // URL is a URI value, not TEXT: no escaping. https://www.rfc-editor.org/rfc/rfc5545#section-3.8.4.6
    `URL:${event.url}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}
